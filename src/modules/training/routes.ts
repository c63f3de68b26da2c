// /v1/trainings, /v1/training-records and /v1/officers/{id}/training-summary: 学时 (rule 3).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { created, withFixedEtag } from '../../http/concurrency.js'
import { paged } from '../../http/pagination.js'
import { IdParams, Page, PageQuery, Query, problems } from '../../http/schemas.js'
import { ACCESS } from '../../security/roles.js'
import {
  AttendanceResult, Attendee, CreateAttendances, CreateTraining, CreateTrainingRecord, RecordQuery, SummaryQuery,
  Training, TrainingQuery, TrainingRecord, TrainingSummary
} from './schema.js'
import type { TrainingService } from './service.js'

const tags = ['training']
const HOURS_NOTE = ' 学时与分钟二选一（45 分钟折 1 学时），按整数单位 1/90 学时精确计算。Give hours or minutes (45 minutes = 1 学时), never both; counted exactly in units of 1/90 学时.'

export const trainingRoutes: FastifyPluginAsyncTypebox<{ training: TrainingService }> = async (app, { training }) => {
  app.post('/v1/trainings', {
    config: { access: ACCESS.personnel },
    schema: {
      tags,
      operationId: 'createTraining',
      summary: '登记培训 Create a training',
      description: '登记一次培训（课程或班次），按结束日期计入年度。组织单位须在权限范围内；不填为本单位，null（仅管理员）表示面向所有单位。' +
        ' Creates a course or session; it counts in the year of its endDate. The organiser agencyId must be in your scope; omitted, your own agency; null (admin only) opens it to all.' + HOURS_NOTE,
      body: CreateTraining,
      response: { 201: Training, ...problems(404, 422) }
    }
  }, async (req, reply) => created(reply, '/v1/trainings', await training.createTraining(req.actor, req.body)))

  app.get('/v1/trainings', {
    config: { access: ACCESS.read },
    schema: {
      tags,
      operationId: 'listTrainings',
      summary: '培训列表 List trainings',
      description: '列出由权限范围内单位组织或面向所有单位的培训，可按年度、类别、组织单位筛选。Lists trainings organised in your scope or open to all; filter by year, category or organiser.',
      querystring: TrainingQuery,
      response: { 200: Page(Training), ...problems() }
    }
  }, async (req) => {
    return await paged(req.query, async (after, take) => await training.listTrainings(req.actor, req.query, after, take))
  })

  app.get('/v1/trainings/:id', {
    config: { access: ACCESS.read },
    schema: {
      tags,
      operationId: 'getTraining',
      summary: '查看培训 Get a training',
      description: '返回培训及其学时折算（所列数字、规则、单位）。Returns the training with its conversion: the figure as given, the rule, the units and the 学时.',
      params: IdParams,
      response: { 200: Training, ...problems(404) }
    }
  }, async (req, reply) => withFixedEtag(reply, await training.getTraining(req.actor, req.params.id)))

  app.post('/v1/trainings/:id/attendances', {
    config: { access: ACCESS.personnel },
    schema: {
      tags,
      operationId: 'recordAttendances',
      summary: '批量登记参训 Record attendances in bulk',
      description: '一次登记多名人员参加该培训（同一事务）。逐人返回结果：不存在或不在权限范围（not_found）、培训结束日已离岗（officer_departed）的人员不登记（离岗前完成的培训可补登），其余照常登记；重复登记返回 already_recorded，不重复计入学时。' +
        ' Records many officers at once, in one transaction. Each id gets a result: unknown or out-of-scope (not_found) and officers who had left by the day the training ended (officer_departed) are skipped (training completed before leaving can be recorded late), the rest recorded; a repeat answers already_recorded and is never counted twice.',
      params: IdParams,
      body: CreateAttendances,
      response: { 200: AttendanceResult, ...problems(404) }
    }
  }, async (req) => await training.recordAttendances(req.actor, req.params.id, req.body.officerIds))

  app.get('/v1/trainings/:id/attendances', {
    config: { access: ACCESS.read },
    schema: {
      tags,
      operationId: 'listAttendances',
      summary: '参训人员 List attendees',
      description: '该培训中权限范围内的参训人员。The attendees of the training who lie in your scope.',
      params: IdParams,
      querystring: Query(PageQuery),
      response: { 200: Page(Attendee), ...problems(404) }
    }
  }, async (req) => {
    return await paged(req.query, async (after, take) => await training.listAttendees(req.actor, req.params.id, after, take))
  })

  app.post('/v1/training-records', {
    config: { access: ACCESS.personnel },
    schema: {
      tags,
      operationId: 'createTrainingRecord',
      summary: '登记个人外部培训 Record an external training',
      description: '登记一名在岗人员参加的外部培训及证明材料，按完成日期计入年度。Records one active officer\'s external training with its evidence; it counts in the year of its date.' + HOURS_NOTE,
      body: CreateTrainingRecord,
      response: { 201: TrainingRecord, ...problems(404, 409, 422) }
    }
  }, async (req, reply) => created(reply, '/v1/training-records', await training.recordExternal(req.actor, req.body)))

  app.get('/v1/training-records', {
    config: { access: ACCESS.read },
    schema: {
      tags,
      operationId: 'listTrainingRecords',
      summary: '学时记录列表 List training records',
      description: '权限范围内人员的全部学时记录（参训与外部培训），可按人员、年度、类别筛选。Every credit of officers in your scope, attendances and external trainings; filter by officer, year or category.',
      querystring: RecordQuery,
      response: { 200: Page(TrainingRecord), ...problems() }
    }
  }, async (req) => {
    return await paged(req.query, async (after, take) => await training.listRecords(req.actor, req.query, after, take))
  })

  app.get('/v1/training-records/:id', {
    config: { access: ACCESS.read },
    schema: {
      tags,
      operationId: 'getTrainingRecord',
      summary: '查看学时记录 Get a training record',
      description: '一条学时记录及其折算说明。One credit with its conversion explained.',
      params: IdParams,
      response: { 200: TrainingRecord, ...problems(404) }
    }
  }, async (req, reply) => withFixedEtag(reply, await training.getRecord(req.actor, req.params.id)))

  app.get('/v1/officers/:id/training-summary', {
    config: { access: ACCESS.read },
    schema: {
      tags,
      operationId: 'getTrainingSummary',
      summary: '年度学时情况 Training summary for a year',
      description: '某人某年度的公共法律知识与专业法律知识学时、适用规则及版本、应达学时、差额、是否达标与进度状态，并列出构成各项学时的记录及折算。asOf 默认今天（北京时间），年度默认 asOf 所在年度。' +
        ' One officer\'s public-law and professional 学时 for a year (default: the year of asOf) as of a day (default today, Asia/Shanghai): the rule and version applied, minimums, deficits, compliant, status (compliant, on_track, at_risk, non_compliant, not_applicable), and the records behind each number with their conversion.',
      params: IdParams,
      querystring: SummaryQuery,
      response: { 200: TrainingSummary, ...problems(404, 422) }
    }
  }, async (req) => await training.summary(req.actor, req.params.id, req.query))
}
