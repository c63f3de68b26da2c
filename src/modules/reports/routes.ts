// /v1/reports: registry-wide reports in the caller's scope.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { paged, readCursor } from '../../http/pagination.js'
import { Id, PageQuery, Query, problems } from '../../http/schemas.js'
import { ACCESS } from '../../security/roles.js'
import { chosenFormat, reportAnswer, sendReportFile } from '../../http/report-files.js'
import { COMPLIANCE_COLUMNS, CertificateReportRow, ComplianceQuery, CompliancePage, StaffingRow, pageOf } from './schema.js'
import { firstRows, type ReportsService } from './service.js'
import { STATISTICS_COLUMNS, StatisticsPage, StatisticsQuery } from './statistics-schema.js'

const tags = ['reports']

export const reportRoutes: FastifyPluginAsyncTypebox<{ reports: ReportsService }> = async (app, { reports }) => {
  app.get('/v1/reports/training-compliance', {
    config: { access: ACCESS.read },
    schema: {
      tags,
      operationId: 'reportTrainingCompliance',
      summary: '年度学时达标报表 Training compliance report',
      description: '列出权限范围内（或 agencyId 及其下级）在岗人员的两类学时、应达学时、差额与状态（无学时要求者为 not_applicable，不计入达标率）；可按状态及年度考核等次筛选。format=json 分页；csv（UTF-8 带 BOM，中文表头）与 xlsx 为全部数据，流式输出。' +
        ' Every officer at a post within your scope (or under agencyId) with both buckets, minimums, deficits and status (not_applicable where no minimum applies, left out of compliance rates); filter by status and by annual-assessment grade. format=json pages; csv (UTF-8 with BOM, Chinese headers) and xlsx hold every row and stream.',
      querystring: ComplianceQuery,
      response: {
        200: reportAnswer(CompliancePage),
        ...problems(404, 422)
      }
    }
  }, async (req, reply) => {
    const { status, year, asOf, agencyId, grade, gradeYear } = req.query
    const format = chosenFormat(req, req.query.format)
    readCursor(req.query.cursor) // a cursor not ours is a 400 first, in every format (csv ignores it)
    const report = await reports.trainingCompliance(req.actor, { year, asOf, agencyId, statuses: status, grades: grade, gradeYear })
    if (format === 'json') {
      const body = await paged(req.query, (after, take) => firstRows(report, after, take), ({ id: _id, ...row }) => row)
      return reply.type('application/json; charset=utf-8').send({ year: report.year, asOf: report.asOf, ruleVersion: report.ruleVersion, ...body })
    }
    return sendReportFile(reply, format, `training-compliance-${report.year}`, `${report.year}年度学时`, COMPLIANCE_COLUMNS, report.batches())
  })
}

/** /v1/reports/staffing and /v1/reports/certificates: the registry's own reports, paged by place. */
export const registryReportRoutes: FastifyPluginAsyncTypebox<{ reports: ReportsService }> = async (app, { reports }) => {
  app.get('/v1/reports/staffing', {
    config: { access: ACCESS.read },
    schema: {
      tags,
      operationId: 'reportStaffing',
      summary: '法制审核人员配备报表 Staffing report (5%)',
      description: '权限范围内（或 agencyId 及其下级）每个存续主体的法制审核人员配备，缺口大的在前。The 5% rule for every active agency in scope (or under agencyId), largest shortfall first.',
      querystring: Query({ ...PageQuery, agencyId: Type.Optional(Id) }),
      response: { 200: pageOf(StaffingRow), ...problems(404) }
    }
  }, async (req) => paged(req.query, await reports.staffing(req.actor, req.query.agencyId)))

  app.get('/v1/reports/certificates', {
    config: { access: ACCESS.read },
    schema: {
      tags,
      operationId: 'reportCertificates',
      summary: '证件到期与收回报表 Certificates expiring or awaiting recall',
      description: '待收回的证件（注销或吊销后实体证件尚未收回），暂扣收存中的证件（in_custody），暂扣期限已过仍处于暂扣的证件（暂扣不自动解除，须恢复、吊销或续扣），以及在 dueWithinDays 天内到期的有效或暂扣证件。' +
        'Cards awaiting recall; cards held in custody while suspended (in_custody, with heldSince); suspensions whose set last day has passed (a suspension is not lifted by itself: reinstate, revoke or suspend again); then live certificates whose last valid day is within dueWithinDays (default 90).',
      querystring: Query({ ...PageQuery, dueWithinDays: Type.Integer({ minimum: 0, maximum: 3660, default: 90, description: '到期天数 days ahead' }) }),
      response: { 200: pageOf(CertificateReportRow), ...problems() }
    }
  }, async (req) => paged(req.query, await reports.certificates(req.actor, req.query.dueWithinDays)))

  app.get('/v1/reports/statistics', {
    config: { access: ACCESS.read },
    schema: {
      tags,
      operationId: 'reportStatistics',
      summary: '行政执法统计 Statistics for the year (统计年报)',
      description: '权限范围内（或 agencyId 及其下级）各执法主体的统计，按 groupBy 分组（执法主体、区县、层级、领域、类别）：主体数（存续、资格确认、待确认、已合并、已撤销），人员（在岗、辅助、警察、法制审核、执法监督），证件（有效、本年度发证、暂扣、吊销、注销、待收回），学时达标（各状态人数、达标率、人均学时），法制审核人员 5% 缺口，年度考核等次。比率以整数分子分母给出，仅显示时舍入一次。学时状态与 training-compliance 报表逐人一致。format=json 分组分页（每页均含合计）；csv、xlsx 含全部分组及合计行。' +
        ' Counts for every agency in scope (or under agencyId), grouped: agencies, officers, certificates, training standings with exact rates and average 学时, 5% shortfalls, assessment grades; certificates expiring and awaiting recall by month. Training standings are the training-compliance report\'s, officer by officer. format=json pages the buckets (the total on every page); csv and xlsx hold every bucket and the total.',
      querystring: StatisticsQuery,
      response: {
        200: reportAnswer(StatisticsPage, '统计 the statistics'),
        ...problems(404, 422)
      }
    }
  }, async (req, reply) => {
    const { year, asOf, agencyId, groupBy } = req.query
    const format = chosenFormat(req, req.query.format)
    readCursor(req.query.cursor, 'ordinal')
    const s = await reports.statistics(req.actor, { year, asOf, agencyId, groupBy })
    if (format === 'json') {
      const { buckets, ...rest } = s
      // Built here, field by field as its schema (test/reports/statistics.test.ts): JSON.stringify
      // takes a tenth of the schema serializer's time over a city's 500 buckets of nested counts.
      return reply.type('application/json; charset=utf-8').send(JSON.stringify({ ...rest, ...await paged(req.query, buckets) }))
    }
    const all = (async function * () { yield [...s.buckets, s.total] })()
    return sendReportFile(reply, format, `statistics-${s.year}-${s.groupBy}`, `${s.year}年度统计`, STATISTICS_COLUMNS, all)
  })
}
