// /v1/imports/*: bulk upserts from HR systems (officers, training attendances).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifySchemaCompiler } from 'fastify'
import { Type, type TSchema } from 'typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { headerValue } from '../../http/header-value.js'
import { IdParams, PLACEHOLDER, problems } from '../../http/schemas.js'
import { ACCESS } from '../../security/roles.js'
import type { ImportKind } from './jobs.js'
import type { ColumnSpec, ImportFormat } from './parse.js'
import { ATTENDANCE_COLUMNS, IMPORT_BODY_LIMIT, ImportAttendanceRow, ImportJob, ImportOfficerRow, ImportQuery, ImportResult, MAX_ROWS, OFFICER_COLUMNS, PreferHeaders } from './schema.js'
import type { ImportsService } from './service.js'
import { FILE_FIELD, MULTIPART, uploadedImport, type UploadedImport } from './upload.js'

const NDJSON = 'application/x-ndjson'
const CSV = 'text/csv'

function formatOf (contentType: string | undefined): { format: ImportFormat, charset?: string } {
  const { value: type, parameters } = headerValue(contentType)
  const charset = parameters.get('charset')
  const format: ImportFormat = type === CSV ? 'csv' : type === NDJSON ? 'ndjson' : 'json'
  return charset ? { format, charset } : { format }
}

const headings = (columns: Record<string, ColumnSpec>) => Object.entries(columns).map(([field, c]) => `${field}/${c.names[0] ?? ''}`).join(', ')

const isUpload = (contentType: string | undefined) => headerValue(contentType).value === MULTIPART

/** A row as a CSV file has it: the Chinese headings, then the values. */
const csvOf = (columns: Record<string, ColumnSpec>, row: Record<string, unknown>) =>
  `${Object.keys(row).map((field) => columns[field]?.names[0] ?? field).join(',')}\n${Object.values(row).join(',')}\n`

/** The three ways to send rows, for the docs (rows are checked one by one by the service), each
 *  with the example row (its ids placeholders: sent unchanged, the row is refused and nothing
 *  is imported). */
const rowsBody = (row: TSchema, columns: Record<string, ColumnSpec>, example: Record<string, unknown>) => ({
  content: {
    'application/json': { schema: Type.Array(row, { maxItems: MAX_ROWS, examples: [[example]] }) },
    [NDJSON]: { schema: Type.String({ description: '每行一个 JSON 对象 one JSON object (a row) per line', examples: [`${JSON.stringify(example)}\n`] }) },
    [CSV]: { schema: Type.String({ description: `UTF-8 或 GBK；首行为表头，列名可用字段名或中文名 UTF-8 or GBK; a header row, with the field names or their Chinese names: ${headings(columns)}`, examples: [csvOf(columns, example)] }) },
    [MULTIPART]: {
      schema: Type.Object({
        [FILE_FIELD]: Type.String({
          format: 'binary',
          contentMediaType: 'application/octet-stream',
          description: '选择文件：CSV（UTF-8 或 GBK，Excel 另存为 CSV 即可）、NDJSON 或 JSON 数组，按文件内容识别 the file: CSV (UTF-8 or GBK), NDJSON or a JSON array, told apart from its content'
        })
      }, { required: [FILE_FIELD], additionalProperties: false })
    }
  }
})

const FORMATS = `JSON 数组、NDJSON（application/x-ndjson）或 CSV（text/csv，UTF-8 或 Excel 保存的 GBK），每次最多 ${MAX_ROWS} 行；在本页选 multipart/form-data 即可选择文件上传，格式按文件内容识别。` +
  '默认全部成功才提交：先逐行校验（有错误行返回 422 IMPORT_REJECTED 及逐行结果，不写入），再在一个事务中写入整个文件，他人不会看到部分数据；写入时数据已变化则全部回滚（409 IMPORT_CONFLICT，指明行号）。' +
  '?partial=true 分批提交正确的行；?dryRun=true 仅校验。请求头 Prefer: respond-async 立即返回 202 及任务地址，大文件请使用。重复导入同一文件是安全的。' +
  ` A JSON array, NDJSON or CSV (UTF-8, or GBK as Excel in China saves it), up to ${MAX_ROWS} rows; or, on this page, multipart/form-data to pick the file (its format told from its content).` +
  ' All or nothing by default: every row is checked (a bad row answers 422 IMPORT_REJECTED with every row\'s result, nothing written), then the whole file is applied in one transaction,' +
  ' never seen in part by anyone; a row refused while applying (the data changed) rolls everything back (409 IMPORT_CONFLICT naming the row).' +
  ' ?partial=true commits the good rows chunk by chunk; ?dryRun=true only validates. With Prefer: respond-async the answer is 202 at once with the job\'s Location: use it for large files.' +
  ' Importing the same file again is safe (rows already there come back unchanged).'

/** Whether the request asks to be answered before the work is done (RFC 7240 Prefer). */
const respondAsync = (prefer: string | undefined) => prefer !== undefined && prefer.split(',').some((p) => p.split(';')[0]?.trim().toLowerCase() === 'respond-async')

export const importRoutes: FastifyPluginAsyncTypebox<{ imports: ImportsService }> = async (app, { imports }) => {
  // Only these routes accept CSV and NDJSON; the body is received whole (so an Idempotency-Key
  // covers its exact bytes), then read record by record.
  app.addContentTypeParser([CSV, NDJSON], { parseAs: 'buffer', bodyLimit: IMPORT_BODY_LIMIT }, (_req, body, done) => { done(null, body) })
  // A file picked on the docs page: its format and encoding are read from the file (upload.ts).
  app.addContentTypeParser(MULTIPART, { parseAs: 'buffer', bodyLimit: IMPORT_BODY_LIMIT }, (req, body, done) => {
    try {
      done(null, uploadedImport(body as Buffer, req.headers['content-type'] ?? ''))
    } catch (err) {
      done(err as Error, undefined)
    }
  })
  // A bad row is that row's result, not a 400 for the whole body: the body schema is for the
  // docs, the service checks each row. Everything else is validated as on every route.
  const inherited = app.validatorCompiler as FastifySchemaCompiler<unknown>
  const rowsChecked: FastifySchemaCompiler<unknown> = (req) => (req.httpPart === 'body' ? () => true : inherited(req))
  const common = {
    config: { access: ACCESS.personnel },
    bodyLimit: IMPORT_BODY_LIMIT,
    validatorCompiler: rowsChecked
  }
  const response = { 200: ImportResult, 202: ImportJob, ...problems(409, 413, 415, 422, 503) }

  /** Runs the import, or queues it as a job when the caller prefers (202 with its Location). */
  async function importing (kind: ImportKind, req: Pick<FastifyRequest, 'actor' | 'body' | 'log'> & { headers: { 'content-type'?: string | undefined, prefer?: string | undefined }, query: { partial: boolean, dryRun: boolean } }, reply: FastifyReply) {
    const sent = isUpload(req.headers['content-type']) ? req.body as UploadedImport : { ...formatOf(req.headers['content-type']), body: req.body }
    const request = { ...sent, partial: req.query.partial, dryRun: req.query.dryRun }
    if (respondAsync(req.headers.prefer)) {
      const job = await imports.startJob(req.actor, kind, request)
      return reply.code(202).header('location', `/v1/imports/${job.id}`).header('preference-applied', 'respond-async').header('retry-after', '1').send(job)
    }
    return await imports.run(kind, req.actor, request, {
      // How long writes waited for it, for whoever runs the service.
      applied: (rows, heldMs) => { req.log.info({ kind, rows, lockHeldMs: Math.round(heldMs) }, 'import applied in one transaction') }
    })
  }

  app.post('/v1/imports/officers', {
    ...common,
    schema: {
      tags: ['imports'],
      operationId: 'importOfficers',
      summary: '批量导入执法人员 Import officers in bulk',
      description: '人事系统批量导入执法人员：按身份证号匹配，已登记则更新、未登记则登记；填写离岗原因与离岗日期的行按离岗处理（同时注销证件）；在其他执法主体任职的人员须先办理调动。' + FORMATS +
        ' HR systems upsert officers matched on idNumber: registered ones are updated, others registered; a row with departureReason and departureDate is a departure' +
        ' (its certificates cancelled, as the departure endpoint does); an officer serving at another agency must be transferred first.',
      querystring: ImportQuery,
      headers: PreferHeaders,
      body: rowsBody(ImportOfficerRow, OFFICER_COLUMNS, { name: '王建华', idNumber: '14010519850612302X', agencyId: PLACEHOLDER.id, employeeNo: 'TY-2026-0318', phone: '13935112345' }),
      response
    }
  }, async (req, reply) => importing('officers', req, reply))

  app.post('/v1/imports/attendances', {
    ...common,
    schema: {
      tags: ['imports'],
      operationId: 'importAttendances',
      summary: '批量导入参训记录 Import training attendances in bulk',
      description: '人事系统批量导入参训记录：每行为一名人员参加一次培训，人员按身份证号（或人员编号）匹配；与逐个培训登记参训效果相同，重复登记不重复计入学时（返回 unchanged）。' + FORMATS +
        ' HR systems upload attendances: each row an officer (matched on idNumber, or officerId) who attended a training; the same as recording attendances on the training,' +
        ' and a repeat is never counted twice (it answers unchanged).',
      querystring: ImportQuery,
      headers: PreferHeaders,
      body: rowsBody(ImportAttendanceRow, ATTENDANCE_COLUMNS, { trainingId: PLACEHOLDER.id, idNumber: '14010519850612302X' }),
      response
    }
  }, async (req, reply) => importing('attendances', req, reply))

  app.get('/v1/imports/:id', {
    config: { access: ACCESS.personnel },
    schema: {
      tags: ['imports'],
      operationId: 'getImportJob',
      summary: '查询导入任务 An import job',
      description: '以 Prefer: respond-async 提交的导入任务：状态（queued 排队、running 进行中、done 完成、failed 失败）、进度，完成后为与同步导入相同的逐行结果；失败时 error 说明原因，未写入任何数据。仅提交者可查询；任务结束后保留 IMPORT_JOB_TTL_HOURS 小时（默认 7 天），之后查询为 404。' +
        ' An import sent with Prefer: respond-async: its status, progress and, when done, the same per-row result the synchronous call gives; when failed, error says why (nothing of it was applied).' +
        ' Only the caller who sent it can read it (404 for anyone else). A job that ended is kept IMPORT_JOB_TTL_HOURS (default 7 days), then forgotten (404).',
      params: IdParams,
      response: { 200: ImportJob, ...problems(404) }
    }
  }, async (req, reply) => {
    const job = await imports.job(req.actor, req.params.id)
    if (job.status === 'queued' || job.status === 'running') reply.header('retry-after', '1')
    return job
  })
}
