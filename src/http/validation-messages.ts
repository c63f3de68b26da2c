// What a validation error says, in Chinese and English, for a clerk: the field by name, the
// allowed values of an enum with their Chinese meanings, the form of a date, and "fill it in"
// for the placeholders of the docs page's examples (http/schemas.ts PLACEHOLDER). The one place
// Ajv's errors become words: request bodies, query strings, paths, headers and import rows.
import type { ErrorObject } from 'ajv'
import { PLACEHOLDER } from './schemas.js'

export interface FieldError { readonly pointer: string, readonly detail: string }

const DATE_EXAMPLE = '2026-12-06'
const DATE_FORM = `YYYY-MM-DD，如 ${DATE_EXAMPLE}`

/** The Chinese meaning of each value of an enum, read from its description ("organ 行政机关 |
 *  authorized 法律法规授权组织 …", the form every enum of ours is described in). */
function meanings (values: readonly unknown[], description: unknown): string[] {
  const text = typeof description === 'string' ? description : ''
  return values.map((v) => {
    // The value as written (a value such as `a.b` or `c+` means itself, not a pattern).
    const value = String(v).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    const m = new RegExp(`(?:^|[|:：]\\s*)${value}\\s+([^|]+?)\\s*(?:\\||$)`).exec(text)
    const meaning = m?.[1]?.replace(/\s*\(.*$/, '').trim()
    return meaning ? `${String(v)}（${meaning}）` : String(v)
  })
}

const TYPES: Record<string, { zh: string, en: string }> = {
  integer: { zh: '整数', en: 'an integer' },
  number: { zh: '数字', en: 'a number' },
  string: { zh: '文本', en: 'text' },
  boolean: { zh: 'true 或 false', en: 'true or false' },
  array: { zh: '数组', en: 'a list' },
  object: { zh: '对象', en: 'an object' },
  null: { zh: 'null', en: 'null' }
}

function detailOf (e: ErrorObject, field: string): string {
  const p = e.params as Record<string, unknown>
  const parent = (e.parentSchema ?? {}) as Record<string, unknown>
  const hint = typeof parent.description === 'string' ? `（${parent.description}）` : ''
  switch (e.keyword) {
    case 'required':
      return `缺少必填字段 ${field} / ${field} is required`
    case 'additionalProperties':
      return `未知字段 ${field}，请删除 / unknown field ${field}: remove it`
    case 'enum': {
      const allowed = meanings((p.allowedValues as unknown[] | undefined) ?? [], parent.description).join('、')
      return `${field} 须为以下之一：${allowed} / ${field} must be one of: ${((p.allowedValues as unknown[] | undefined) ?? []).join(', ')}`
    }
    case 'type': {
      const types = (typeof p.type === 'string' ? p.type.split(',') : []).map((t) => TYPES[t]).filter((t) => t !== undefined)
      if (types.length === 0) break
      return `${field} 须为${types.map((t) => t.zh).join('或')} / ${field} must be ${types.map((t) => t.en).join(' or ')}`
    }
    case 'minimum':
      if (e.data === PLACEHOLDER.id && p.limit === 1 && /(?:^id|Id|Ids)$/.test(field)) {
        return `请填写 ${field}：0 是示例中的占位，请从列表或查询结果中取得编号 / fill in ${field}: 0 is the example's placeholder, take the id from a list or a lookup`
      }
      return `${field} 不能小于 ${String(p.limit)} / ${field} must be at least ${String(p.limit)}`
    case 'maximum':
      return `${field} 不能大于 ${String(p.limit)} / ${field} must be at most ${String(p.limit)}`
    case 'minLength':
      return `${field} 至少 ${String(p.limit)} 个字符 / ${field} needs at least ${String(p.limit)} characters`
    case 'maxLength':
      return `${field} 最多 ${String(p.limit)} 个字符 / ${field} takes at most ${String(p.limit)} characters`
    case 'minItems':
      return `${field} 至少 ${String(p.limit)} 项 / ${field} needs at least ${String(p.limit)} items`
    case 'maxItems':
      return `${field} 最多 ${String(p.limit)} 项 / ${field} takes at most ${String(p.limit)} items`
    case 'uniqueItems':
      return `${field} 中有重复项 / ${field} lists a value twice`
    case 'pattern':
    case 'format':
      if (parent.format === 'date') {
        return e.data === PLACEHOLDER.date
          ? `请填写 ${field}：日期格式为 ${DATE_FORM} / fill in ${field}: a date as YYYY-MM-DD, e.g. ${DATE_EXAMPLE}`
          : `${field} 须为日期，格式 ${DATE_FORM} / ${field} must be a date as YYYY-MM-DD, e.g. ${DATE_EXAMPLE}`
      }
      return `${field} 格式不符${hint} / ${field} is not in the expected form${hint ? `: ${String(parent.description)}` : ''}`
  }
  const said = e.message ?? 'invalid'
  return /[\u4e00-\u9fff]/.test(said) ? `${field}: ${said}` : `${field} 不符合要求 / ${field}: ${said}`
}

/** The field an Ajv error is about (a missing or unknown one included) and what it says. */
export function fieldError (e: ErrorObject): FieldError {
  const p = e.params as Record<string, unknown>
  const extra = typeof p.missingProperty === 'string' ? p.missingProperty : typeof p.additionalProperty === 'string' ? p.additionalProperty : undefined
  const pointer = (e.instancePath || '') + (extra === undefined ? '' : `/${extra}`)
  const field = pointer.split('/').filter((s) => s !== '' && !/^\d+$/.test(s)).pop() ?? 'body'
  return { pointer: pointer || '/', detail: detailOf(e, field) }
}

/** The field errors of a failed validation, one per field and keyword. A value that fails a
 *  union (a date or null) is reported once, for the first way it could have been right. */
export function fieldErrors (errors: readonly ErrorObject[]): FieldError[] {
  const out: FieldError[] = []
  const seen = new Set<string>()
  const unions = new Set(errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf').map((e) => e.instancePath))
  for (const e of errors) {
    if (e.keyword === 'anyOf' || e.keyword === 'oneOf') continue
    // In a union, the branch saying "must be null" says nothing useful next to the other's words.
    if (unions.has(e.instancePath) && e.keyword === 'type' && (e.params as { type?: string }).type === 'null') continue
    const f = fieldError(e)
    const key = `${f.pointer}\u0000${f.detail}`
    if (seen.has(key)) continue
    seen.add(key)
    out.push(f)
  }
  return out
}
