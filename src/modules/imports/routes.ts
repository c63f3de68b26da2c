// /v1/imports/*: bulk upserts from HR systems (officers, training attendances).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifySchemaCompiler } from 'fastify'
import { Type, type TSchema } from 'typebox'
import { problems } from '../../http/schemas.js'
import { ACCESS } from '../../security/roles.js'
import type { ColumnSpec, ImportFormat } from './parse.js'
import { ATTENDANCE_COLUMNS, IMPORT_BODY_LIMIT, ImportAttendanceRow, ImportOfficerRow, ImportQuery, ImportResult, MAX_ROWS, OFFICER_COLUMNS } from './schema.js'
import type { ImportsService } from './service.js'

const NDJSON = 'application/x-ndjson'
const CSV = 'text/csv'

function formatOf (contentType: string | undefined): { format: ImportFormat, charset?: string } {
  const [type = '', ...params] = (contentType ?? '').split(';').map((s) => s.trim())
  const charset = params.find((p) => /^charset=/i.test(p))?.slice('charset='.length).replace(/"/g, '')
  const format: ImportFormat = type.toLowerCase() === CSV ? 'csv' : type.toLowerCase() === NDJSON ? 'ndjson' : 'json'
  return charset ? { format, charset } : { format }
}

const headings = (columns: Record<string, ColumnSpec>) => Object.entries(columns).map(([field, c]) => `${field}/${c.names[0] ?? ''}`).join(', ')

/** The three ways to send rows, for the docs (rows are checked one by one by the service). */
const rowsBody = (row: TSchema, columns: Record<string, ColumnSpec>) => ({
  content: {
    'application/json': { schema: Type.Array(row, { maxItems: MAX_ROWS }) },
    [NDJSON]: { schema: Type.String({ description: '每行一个 JSON 对象 one JSON object (a row) per line' }) },
    [CSV]: { schema: Type.String({ description: `UTF-8 或 GBK；首行为表头，列名可用字段名或中文名 UTF-8 or GBK; a header row, with the field names or their Chinese names: ${headings(columns)}` }) }
  }
})

const FORMATS = `JSON 数组、NDJSON（application/x-ndjson）或 CSV（text/csv，UTF-8 或 Excel 保存的 GBK），每次最多 ${MAX_ROWS} 行。` +
  '默认全部成功才提交（有错误行返回 422 IMPORT_REJECTED 及逐行结果）；?partial=true 提交正确的行；?dryRun=true 仅校验。分批提交；重复导入同一文件是安全的。' +
  ` A JSON array, NDJSON or CSV (UTF-8, or GBK as Excel in China saves it), up to ${MAX_ROWS} rows.` +
  ' All or nothing by default (a bad row answers 422 IMPORT_REJECTED with every row\'s result); ?partial=true commits the good rows; ?dryRun=true only validates.' +
  ' Rows are committed in chunks; importing the same file again is safe (rows already there come back unchanged).'

export const importRoutes: FastifyPluginAsyncTypebox<{ imports: ImportsService }> = async (app, { imports }) => {
  // Only these routes accept CSV and NDJSON; the body is received whole (so an Idempotency-Key
  // covers its exact bytes), then read record by record.
  app.addContentTypeParser([CSV, NDJSON], { parseAs: 'buffer', bodyLimit: IMPORT_BODY_LIMIT }, (_req, body, done) => { done(null, body) })
  // A bad row is that row's result, not a 400 for the whole body: the body schema is for the
  // docs, the service checks each row. Everything else is validated as on every route.
  const inherited = app.validatorCompiler as FastifySchemaCompiler<unknown>
  const rowsChecked: FastifySchemaCompiler<unknown> = (req) => (req.httpPart === 'body' ? () => true : inherited(req))
  const common = {
    config: { access: ACCESS.personnel },
    bodyLimit: IMPORT_BODY_LIMIT,
    validatorCompiler: rowsChecked
  }
  const response = { 200: ImportResult, ...problems(409, 413, 415, 422) }

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
      body: rowsBody(ImportOfficerRow, OFFICER_COLUMNS),
      response
    }
  }, async (req) => imports.importOfficers(req.actor, { ...formatOf(req.headers['content-type']), body: req.body, partial: req.query.partial, dryRun: req.query.dryRun }))

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
      body: rowsBody(ImportAttendanceRow, ATTENDANCE_COLUMNS),
      response
    }
  }, async (req) => imports.importAttendances(req.actor, { ...formatOf(req.headers['content-type']), body: req.body, partial: req.query.partial, dryRun: req.query.dryRun }))
}
