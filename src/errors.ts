// Every error code the service answers with, in one place. A code is part of the contract:
// HR systems branch on it, so never rename one; add new ones freely.
// Each error leaves the service as application/problem+json (RFC 9457) with this `code`.

export interface ErrorSpec {
  readonly status: number
  readonly title: string
}

export const ERRORS = {
  // generic HTTP
  BAD_REQUEST: { status: 400, title: 'Bad request / 请求格式错误' },
  VALIDATION_FAILED: { status: 400, title: 'Invalid input / 输入校验未通过' },
  UNAUTHENTICATED: { status: 401, title: 'Authentication required / 需要身份认证' },
  INVALID_TOKEN: { status: 401, title: 'Invalid or expired token / 令牌无效或已过期' },
  INVALID_GRANT: { status: 400, title: 'Wrong credentials / 用户名、密码或客户端凭据错误' },
  UNSUPPORTED_GRANT_TYPE: { status: 400, title: 'Unsupported grant type / 不支持的授权类型' },
  FORBIDDEN: { status: 403, title: 'Your role may not do this / 当前角色无权执行此操作' },
  NOT_FOUND: { status: 404, title: 'Not found / 资源不存在' },
  ROUTE_NOT_FOUND: { status: 404, title: 'No such route / 接口不存在' },
  METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed / 不支持该请求方法' },
  CONFLICT: { status: 409, title: 'Conflict / 数据冲突' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'Request body too large / 请求体过大' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported content type / 不支持的内容类型' },
  RATE_LIMITED: { status: 429, title: 'Too many requests / 请求过于频繁' },
  INTERNAL: { status: 500, title: 'Internal error / 服务内部错误' },
  SERVICE_UNAVAILABLE: { status: 503, title: 'Service unavailable / 服务暂不可用' },
  REQUEST_TIMEOUT: { status: 408, title: 'Request timeout / 请求超时' },

  // accounts
  USERNAME_TAKEN: { status: 409, title: 'Username already exists / 用户名已存在' },
  SCOPE_REQUIRED: { status: 422, title: 'A non-admin account needs an agencyId / 非管理员账号必须指定所属执法主体' },
  AGENCY_OUT_OF_SCOPE: { status: 404, title: 'Agency not found in your scope / 在您的权限范围内找不到该执法主体' },

  // agencies (执法主体)
  USCC_INVALID: { status: 422, title: 'Invalid unified social credit code / 统一社会信用代码校验失败' },
  USCC_TAKEN: { status: 409, title: 'Another agency has this USCC / 统一社会信用代码已被其他执法主体使用' },
  AGENCY_PARENT_CYCLE: { status: 422, title: 'The parent would create a cycle / 上级主体设置将形成循环' },
  AGENCY_NOT_ACTIVE: { status: 409, title: 'Agency is merged or dissolved / 执法主体已合并或撤销' },
  AGENCY_NOT_CONFIRMED: { status: 409, title: 'Agency not confirmed for this year, and last year\'s confirmation has lapsed / 执法主体本年度未经确认公告（上年度确认已过宽限期）' },
  CONFIRMATION_EXISTS: { status: 409, title: 'Already confirmed for that year / 该年度已确认' },
  SUCCESSOR_REQUIRED: { status: 422, title: 'A merge names its successor / 合并须指定承继主体' },

  // officers
  ID_NUMBER_INVALID: { status: 422, title: 'Invalid ID number / 身份证号码校验失败' },
  ID_NUMBER_TAKEN: { status: 409, title: 'An officer with this ID number exists / 该身份证号码已登记' },
  OFFICER_DEPARTED: { status: 409, title: 'Officer has left / 执法人员已离岗' },
  OFFICER_NOT_ACTIVE: { status: 409, title: 'Officer is not active / 执法人员不在岗' },
  OFFICER_NOT_AT_AGENCY: { status: 422, title: 'Officer does not serve at that agency / 该人员不在此执法主体任职' },
  SAME_AGENCY: { status: 422, title: 'Transfer to the same agency / 调入主体与原主体相同' },

  // exams
  EXAM_RESULT_EXISTS: { status: 409, title: 'Result already recorded / 该人员本场考试成绩已登记' },
  EXAM_NOT_PASSED: { status: 422, title: 'No passed qualification exam / 未通过行政执法资格考试' },
  REQUALIFICATION_REQUIRED: { status: 422, title: 'Certificate revoked: the exam must be passed again / 证件已被吊销，须重新通过资格考试' },
  EXAM_NOT_HELD: { status: 422, title: 'The exam has not taken place yet / 考试尚未举行' },

  // certificates (行政执法证件)
  OFFICER_AUXILIARY: { status: 422, title: 'Auxiliary staff get no certificate / 辅助人员不得申领行政执法证件' },
  OFFICER_POLICE: { status: 422, title: 'Police use their own card / 人民警察不在本系统申领执法证件' },
  CERTIFICATE_EXISTS: { status: 409, title: 'Officer already holds an active certificate here / 该人员在本主体已有有效证件' },
  CERTIFICATE_NUMBERS_EXHAUSTED: { status: 409, title: 'No certificate numbers left for this region this year / 该地区本年度证号已用尽' },
  CERTIFICATE_NOT_ACTIVE: { status: 409, title: 'Certificate is not active / 证件不处于有效状态' },
  CERTIFICATE_TRANSITION_NOT_ALLOWED: { status: 409, title: 'This status change is not allowed / 证件状态不允许此变更' },
  CERTIFICATE_NUMBER_INVALID: { status: 400, title: 'Certificate number check failed: mistyped? / 证号校验位不符，请核对' },
  RECALL_CLOSED: { status: 409, title: 'Recall already closed / 证件收回记录已办结' },
  DOMAIN_NOT_HELD: { status: 422, title: 'Domain not held by the agency / 执法领域不在该主体职权范围内' },

  // eligibility (POST /v1/eligibility)
  INSTANT_TOO_FAR_AHEAD: { status: 422, title: 'The instant is more than a day ahead: eligibility is judged up to a day in advance / 查询时刻晚于当前时间超过一天' },

  // assessments
  ASSESSMENT_EXISTS: { status: 409, title: 'Assessment for that year exists / 该年度考核已登记' },

  // training
  HOURS_OR_MINUTES: { status: 422, title: 'Give hours or minutes, not both / 学时与分钟须且只能填写一项' },
  TRAINING_NOT_COMPLETED: { status: 422, title: 'The training has not ended yet / 培训尚未结束' },
  DATE_RANGE_INVALID: { status: 422, title: 'The dates are out of order: an end before its start, or an end already past / 日期先后不符：结束早于开始，或结束日期已过' },
  DATE_IN_FUTURE: { status: 422, title: 'The date is after today: record it once it has happened / 日期晚于今天，请在发生后登记' },
  DATE_OUT_OF_RANGE: { status: 422, title: 'The date is outside what the registry accepts (from 1949-10-01; plans to the end of next year) / 日期超出允许范围' },
  DATE_BEFORE_JOINING: { status: 422, title: 'A move would be dated before the officer joined / 调动或离岗日期早于入职日期' },
  DATE_BEFORE_LAST_MOVE: { status: 422, title: 'The date is before the officer\'s last move / 日期早于该人员上一次调动或离岗' },

  // training plans (年度培训计划)
  PLAN_EXISTS: { status: 409, title: 'That agency has a plan for that year: correct it with PUT / 该执法主体该年度培训计划已报送，请用 PUT 更正' },
  PLAN_HOURS_INVALID: { status: 422, title: 'Plan 学时 must be 0 to 1000 with at most one decimal / 计划学时须为 0 至 1000、最多一位小数' },
  FIELDS_DISAGREE: { status: 422, title: 'Two fields that mean the same thing were given different values / 同义字段取值不一致' },

  // concurrency & retries
  PRECONDITION_FAILED: { status: 412, title: 'The resource changed since you read it / 数据已被他人修改，请重新读取' },
  PRECONDITION_REQUIRED: { status: 428, title: 'If-Match header required / 需要提供 If-Match 请求头' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, title: 'Idempotency-Key reused with another body / 幂等键已用于不同请求' },
  IDEMPOTENCY_IN_PROGRESS: { status: 409, title: 'The first request with this key is still running / 相同幂等键的请求仍在处理' },

  // bulk imports
  IMPORT_REJECTED: { status: 422, title: 'Rows failed: nothing was imported / 存在错误行，未导入任何数据' },
  IMPORT_CONFLICT: { status: 409, title: 'A row was refused while the import was applied: nothing was imported / 写入时有行被拒绝（数据已变化），未导入任何数据' },
  IMPORT_JOB_INTERRUPTED: { status: 500, title: 'The server stopped while the import ran: nothing of it was applied / 导入进行中服务停止，未写入任何数据' },

  // webhooks
  WEBHOOK_URL_NOT_ALLOWED: { status: 422, title: 'Webhooks are delivered to https:// URLs only / 回调地址须为 https:// 网址' },

  // change feed
  FEED_CURSOR_MISMATCH: { status: 409, title: 'The cursor does not match the change feed (was the database restored from a backup?) / 游标与事件流不符（数据库是否已从备份恢复？）' }
} as const satisfies Record<string, ErrorSpec>

export type ErrorCode = keyof typeof ERRORS

/** The one error type of the service: a stable code, a human detail, optional extra members. */
export class RegistryError extends Error {
  readonly code: ErrorCode
  readonly status: number
  readonly extra: Record<string, unknown> | undefined

  constructor (code: ErrorCode, detail?: string, extra?: Record<string, unknown>) {
    super(detail ?? ERRORS[code].title)
    this.name = 'RegistryError'
    this.code = code
    this.status = ERRORS[code].status
    this.extra = extra
  }
}

/** Throws a RegistryError; reads well in guard clauses: `if (!row) fail('NOT_FOUND')`. */
export function fail (code: ErrorCode, detail?: string, extra?: Record<string, unknown>): never {
  throw new RegistryError(code, detail, extra)
}
