// Wire shapes of bulk imports.
import { Type } from 'typebox'
import { departureReasons } from '../../domain/certificates.js'
import { Body, Id, IsoDate, Query, StringEnum } from '../../http/schemas.js'
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
  status: StringEnum(['committed', 'validated', 'rejected', 'incomplete'] as const, {
    description: 'committed 已提交 | validated 仅校验（dryRun）| rejected 有错误行，未提交 | incomplete 导入中途因数据变化停止'
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
