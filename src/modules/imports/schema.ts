// Wire shapes of bulk imports.
import { Type } from 'typebox'
import { departureReasons } from '../../domain/certificates.js'
import { Body, Id, IsoDate, Query, StringEnum, components } from '../../http/schemas.js'
import { CreateOfficer, IdNumber } from '../officers/schema.js'
import type { ColumnSpec } from './parse.js'

export const MAX_ROWS = 50_000
/** 50,000 rows of a few hundred bytes each, with room to spare. */
export const IMPORT_BODY_LIMIT = 48 * 1024 * 1024

/** One row: an officer as registered, plus an optional departure (same effect as the departure endpoint). */
export const ImportOfficerRow = Body({
  ...CreateOfficer.properties,
  departureReason: Type.Optional(StringEnum(departureReasons, { description: '离岗原因 departure: transfer 调动 | resignation 辞职 | dismissal 辞退 | retirement 退休 | other 其他' })),
  departureDate: Type.Optional(IsoDate('离岗日期 date of leaving (with departureReason)'))
}, '一行：执法人员（按身份证号匹配，存在则更新，不存在则登记），可附离岗信息。One row: an officer, matched on idNumber (updated if registered, else registered), optionally with a departure.')

/** CSV columns: the field names, or the Chinese headings a clerk's spreadsheet has. */
export const OFFICER_COLUMNS: Record<string, ColumnSpec> = {
  name: { names: ['姓名'], type: 'string' },
  idNumber: { names: ['身份证号', '身份证号码', '公民身份号码'], type: 'string' },
  agencyId: { names: ['执法主体编号', '执法主体ID', '单位编号'], type: 'integer' },
  employeeNo: { names: ['工号'], type: 'string' },
  phone: { names: ['电话', '联系电话', '手机'], type: 'string' },
  joinedOn: { names: ['入职日期', '上岗日期'], type: 'string' },
  auxiliary: { names: ['辅助人员'], type: 'boolean' },
  police: { names: ['人民警察'], type: 'boolean' },
  legalReviewer: { names: ['法制审核人员'], type: 'boolean' },
  supervisor: { names: ['执法监督员'], type: 'boolean' },
  departureReason: { names: ['离岗原因'], type: 'string' },
  departureDate: { names: ['离岗日期'], type: 'string' }
}

/** One attendance: a training and the officer who attended it, by ID number (or registry id). */
export const ImportAttendanceRow = Body({
  trainingId: Id,
  idNumber: Type.Optional(IdNumber),
  officerId: Type.Optional(Id)
}, '一行：一名人员参加一次培训，人员按身份证号（或人员编号）匹配。One row: an officer who attended a training, matched on idNumber (or officerId).')

export const ATTENDANCE_COLUMNS: Record<string, ColumnSpec> = {
  trainingId: { names: ['培训编号', '培训ID'], type: 'integer' },
  idNumber: { names: ['身份证号', '身份证号码', '公民身份号码'], type: 'string' },
  officerId: { names: ['人员编号', '执法人员编号'], type: 'integer' }
}

export const ImportQuery = Query({
  partial: Type.Boolean({ default: false, description: '部分导入：提交正确的行，错误行逐行报告（默认全部成功才提交）partial: commit the good rows and report the bad ones (default: all or nothing)' }),
  dryRun: Type.Boolean({ default: false, description: '仅校验，不写入 validate only, write nothing' })
})

export const ROW_OUTCOMES = ['created', 'updated', 'unchanged', 'error'] as const

export const RowResult = Type.Object({
  row: Type.Integer({ description: '行号：第几条数据（CSV 不计表头，从 1 开始）1-based record number (a CSV header is not counted)' }),
  outcome: StringEnum(ROW_OUTCOMES, { description: 'created 新登记 | updated 已更新 | unchanged 无变化 | error 有错误' }),
  officerId: Type.Optional(Id),
  errors: Type.Optional(Type.Array(Type.Object({
    code: Type.String({ description: '错误码 stable error code' }),
    pointer: Type.Optional(Type.String({ description: '字段 the field, e.g. /idNumber' })),
    detail: Type.String()
  }), { description: '该行的全部错误 every reason the row failed' }))
})

export const ImportResult = Type.Object({
  status: StringEnum(['committed', 'validated', 'rejected'] as const, {
    description: 'committed 已提交 | validated 仅校验（dryRun）| rejected 有错误行，未导入任何数据'
  }),
  partial: Type.Boolean(),
  dryRun: Type.Boolean(),
  rows: Type.Integer({ description: '数据行数 rows read' }),
  created: Type.Integer(),
  updated: Type.Integer(),
  unchanged: Type.Integer(),
  failed: Type.Integer(),
  committedRows: Type.Integer({ description: '已写入的行数 rows written' }),
  results: Type.Array(RowResult)
})

export const ImportJob = Type.Object({
  id: Id,
  kind: StringEnum(['officers', 'attendances'] as const, { description: 'officers 执法人员 | attendances 参训记录' }),
  status: StringEnum(['queued', 'running', 'done', 'failed'] as const, {
    description: 'queued 排队中 | running 进行中 | done 已完成（见 result）| failed 失败（见 error；未写入任何数据，可重新提交）'
  }),
  partial: Type.Boolean(),
  dryRun: Type.Boolean(),
  progress: Type.Object({
    rows: Type.Integer({ description: '数据行数 rows read' }),
    checked: Type.Integer({ description: '已校验行数 rows checked' }),
    applied: Type.Integer({ description: '已写入行数（全部成功才提交时，完成前对他人不可见）rows applied (all or nothing: seen by others only once done)' })
  }),
  createdAt: Type.String({ format: 'date-time' }),
  startedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  finishedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  result: Type.Optional(ImportResult),
  error: Type.Optional(Type.Object({
    code: Type.String({ description: '错误码 the stable error code the synchronous call would have answered' }),
    detail: Type.String()
  }))
}, { description: '导入任务 an import job (Prefer: respond-async): its status, progress and, once done, the result the synchronous call would have given' })

export const PreferHeaders = Type.Object({
  prefer: Type.Optional(Type.String({
    maxLength: 200,
    description: '异步导入：填写 respond-async，立即返回 202 及任务地址（Location），稍后查询结果；大文件请使用。' +
      ' Prefer: respond-async (RFC 7240): answered at once, 202 with Location /v1/imports/{id}; poll it for the result. Use it for large files.'
  }))
})

components({ ImportResult, ImportJob })
