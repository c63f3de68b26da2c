// POST /v1/eligibility: may these officers act in this domain at this instant (执法办案系统, issue 24).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { problems } from '../../http/schemas.js'
import { ACCESS } from '../../security/roles.js'
import { Eligibility, EligibilityRequest } from './schema.js'
import type { EligibilityService } from './service.js'

export { eligibilityService } from './service.js'

export const eligibilityRoutes: FastifyPluginAsyncTypebox<{ eligibility: EligibilityService }> = async (app, { eligibility }) => {
  app.post('/v1/eligibility', {
    config: { access: ACCESS.eligibility },
    schema: {
      tags: ['eligibility'],
      operationId: 'checkEligibility',
      summary: '执法资格核验 May these officers act',
      description: '执法办案系统在办案环节（如调查取证、作出决定）前核验：所列人员此刻能否在该执法领域执法，以及是否达到最少人数（行政处罚法第四十二条：执法人员不得少于两人，TEAM_MINIMUM）。' +
        '规则与核发、验证相同：证件须有效（暂扣、过期、吊销、注销即不可）、包含该领域且发证主体仍负责该领域、发证主体存续且确认有效；人员须在岗、非辅助人员、非人民警察。指定 agencyId 时须为该主体的证件。' +
        '判断时刻 at 默认为当前：当前或之后按现存数据（10:00 登记离岗，10:01 的核验即不通过）；过去的时刻按离岗日期（该日起离岗）与证件状态变更记录判断（主体确认按已登记的年度）。权限范围外的人员答 OFFICER_NOT_FOUND。' +
        ' A case-handling system asks, before a case step, whether each officer may act in the domain at the instant, and whether the team reaches TEAM_MINIMUM (行政处罚法 art. 42: at least two). The rules are issuing\'s and verification\'s: ' +
        'a valid card (not suspended, expired, revoked or cancelled) listing the domain, whose agency still enforces in it, is active and confirmed; a holder in post, neither auxiliary nor police; with agencyId, a card of that agency. ' +
        '`at` defaults to now; now or ahead, what is stored decides (a departure recorded at 10:00 fails a check at 10:01); a past instant is judged by the departure day (departed from that day) and the cards\' status history (confirmations as recorded). Officers out of your scope answer OFFICER_NOT_FOUND. ' +
        'Reason codes: OFFICER_NOT_FOUND (unknown or out of scope), OFFICER_DEPARTED, AGENCY_ENDED (issuing agency merged or dissolved), AGENCY_NOT_CONFIRMED, OFFICER_AUXILIARY, OFFICER_POLICE, NO_CERTIFICATE, ' +
        'CERTIFICATE_SUSPENDED, CERTIFICATE_EXPIRED, CERTIFICATE_REVOKED, CERTIFICATE_CANCELLED, DOMAIN_NOT_COVERED, WRONG_AGENCY (the card is of another agency than agencyId). ' +
        'Give officerIds or certificateNumbers (the card shown is judged), not both: 400 VALIDATION_FAILED; a mistyped number 400 CERTIFICATE_NUMBER_INVALID; `at` more than a day ahead 422 INSTANT_TOO_FAR_AHEAD.',
      body: EligibilityRequest,
      response: { 200: Eligibility, ...problems(422) }
    }
  }, async (req) => await eligibility.check(req.actor, req.body))
}
