// /v1/certificates: 行政执法证件.
import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { created, withEtag } from '../../http/concurrency.js'
import { paged } from '../../http/pagination.js'
import { Body, Id, IdParams, IsoDate, Page, PageQuery, Query, StringEnum, Text, problems, PLACEHOLDER, withExample } from '../../http/schemas.js'
import { ACCESS } from '../../security/roles.js'
import type { CertificatesService } from './service.js'
import { Status, Certificate, Recall, Custody, Event, Reason } from './schema.js'

const tags = ['certificates']

export const certificateRoutes: FastifyPluginAsyncTypebox<{ certificates: CertificatesService }> = async (app, { certificates }) => {
  app.post('/v1/certificates', {
    config: { access: ACCESS.bureau },
    schema: {
      tags,
      operationId: 'issueCertificate',
      summary: '核发执法证件 Issue a certificate',
      description: '仅在全部条件满足时核发：人员在岗且在该主体任职、主体存续且确认有效（本年度已确认，或上年度确认且在宽限期内）、非辅助人员、非人民警察、已通过资格考试、在该主体无有效证件。证号由系统生成。' +
        ' Issued only when every rule holds (active officer of this agency; agency active and confirmed (this year, or last year until CONFIRMATION_GRACE_UNTIL); not auxiliary; not police; a passed exam; no live certificate here). Each refusal has its own code. The service assigns the number.',
      body: withExample(Body({
        officerId: Id,
        agencyId: Id,
        domains: Type.Optional(Type.Array(Text({ maxLength: 50 }), { uniqueItems: true, minItems: 1, maxItems: 50, description: '执法领域 (default: the agency\'s)' }))
      }), { officerId: PLACEHOLDER.id, agencyId: PLACEHOLDER.id, domains: ['市场监管'] }),
      response: { 201: Certificate, ...problems(404, 409, 422) }
    }
  }, async (req, reply) => created(reply, '/v1/certificates', await certificates.issue(req.actor, req.body)))

  app.get('/v1/certificates', {
    config: { access: ACCESS.read },
    schema: {
      tags,
      operationId: 'listCertificates',
      summary: '证件列表 List certificates',
      description: '权限范围内的证件，可按人员、主体、当前状态筛选（expired：有效期已过的有效或暂扣证件；active、suspended 不含已过期的）。Certificates in scope; filter by officer, agency or status as it stands today (expired: active or suspended cards past their last valid day, which active and suspended then leave out).',
      querystring: Query({ ...PageQuery, officerId: Type.Optional(Id), agencyId: Type.Optional(Id), status: Type.Optional(Status) }),
      response: { 200: Page(Certificate), ...problems() }
    }
  }, async (req) => {
    return await paged(req.query, async (after, take) => await certificates.list(req.actor, req.query, after, take))
  })

  app.get('/v1/certificates/:id', {
    config: { access: ACCESS.read },
    schema: {
      tags,
      operationId: 'getCertificate',
      summary: '查看证件 Get a certificate',
      description: '按编号读取证件。Reads one certificate.',
      params: IdParams,
      response: { 200: Certificate, ...problems(404) }
    }
  }, async (req, reply) => withEtag(reply, await certificates.get(req.actor, req.params.id)))

  const actions = [
    ['suspension', 'suspend', 'suspendCertificate', '暂扣证件 Suspend', '有效证件暂扣，可恢复；可填写暂扣至日期。证件自当日起由司法机关收存（heldSince，开启保管记录）。An active certificate is suspended (reversible), optionally until a date; the card is taken into custody from that day (heldSince, a custody record).'],
    ['reinstatement', 'reinstate', 'reinstateCertificate', '恢复证件 Reinstate', '暂扣的证件恢复有效，证件交还持证人（保管记录结束：returned）。A suspended certificate becomes active again and the card is returned (custody ends: returned).'],
    ['revocation', 'revoke', 'revokeCertificate', '吊销证件 Revoke', '作为处分吊销证件，不可恢复，并发起证件收回（暂扣中的证件即视为已收回）；此后须重新通过资格考试方可再次领证（REQUALIFICATION_REQUIRED）。Revoked as a sanction: final; the card recall opens (recovered at once for a card in custody); a new card needs a newly passed exam (REQUALIFICATION_REQUIRED).'],
    ['cancellation', 'cancel', 'cancelCertificate', '注销证件 Cancel', '行政注销，不可恢复，并发起证件收回。Cancelled as an administrative end: final; the card recall opens.']
  ] as const
  const examples = {
    suspend: { reason: '涉嫌违法违纪，正在接受调查（晋司监〔2026〕4号）', until: PLACEHOLDER.date },
    reinstate: { reason: '调查结束，恢复执法资格' },
    revoke: { reason: '晋司罚决〔2026〕7号' },
    cancel: { reason: '调离执法岗位' }
  }
  for (const [path, action, operationId, summary, description] of actions) {
    app.post(`/v1/certificates/:id/${path}`, {
      config: { access: ACCESS.bureau },
      schema: {
        tags,
        operationId,
        summary,
        description: `${description} 状态不允许时返回 409 CERTIFICATE_TRANSITION_NOT_ALLOWED。An illegal change is 409 CERTIFICATE_TRANSITION_NOT_ALLOWED.`,
        params: IdParams,
        body: withExample(action === 'suspend'
          ? Body({ reason: Reason, until: Type.Optional(IsoDate('暂扣至（今天至证件有效期止）suspended until: today or later, up to the card\'s last valid day')) })
          : Body({ reason: Reason }), examples[action]),
        response: { 200: Certificate, ...(action === 'suspend' ? problems(404, 409, 422) : problems(404, 409)) }
      }
    }, async (req, reply) => withEtag(reply, await certificates.change(req.actor, req.params.id, action, req.body as { reason: string, until?: string })))
  }

  app.get('/v1/certificates/:id/history', {
    config: { access: ACCESS.read },
    schema: {
      tags,
      operationId: 'getCertificateHistory',
      summary: '证件变更记录 Certificate history',
      description: '每次状态变更的原因、操作人和时间，证件收回记录，以及暂扣期间的证件保管记录。Every status change with reason, actor and time, the card recalls, and the custody of the card while suspended.',
      params: IdParams,
      response: { 200: Type.Object({ events: Type.Array(Event), recalls: Type.Array(Recall), custodies: Type.Array(Custody) }), ...problems(404) }
    }
  }, async (req) => await certificates.history(req.actor, req.params.id))

  app.post('/v1/certificates/:id/recall', {
    config: { access: ACCESS.bureau },
    schema: {
      tags,
      operationId: 'closeCardRecall',
      summary: '证件收回结果 Close the card recall',
      description: '登记实体证件已收回，或声明遗失。Records that the physical card came back, or was declared lost.',
      params: IdParams,
      body: withExample(Body({
        outcome: StringEnum(['recovered', 'lost'] as const, { description: 'recovered 已收回 | lost 遗失声明' }),
        date: IsoDate('办结日期 date'),
        note: Type.Optional(Text({ maxLength: 500, lines: true }))
      }), { outcome: 'recovered', date: PLACEHOLDER.date, note: '本人交回' }),
      response: { 200: Recall, ...problems(404, 409, 422) }
    }
  }, async (req) => await certificates.closeRecall(req.actor, req.params.id, req.body))
}
