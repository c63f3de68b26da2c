// The Ajv instances that check what clients send, made in one place so that request bodies,
// query strings, paths and the rows of an import know the same keywords: the formats
// (ajv-formats) and x-text, free text (Text() in schemas.ts; the rule is domain/text.ts).
import { Ajv, type ErrorObject, type FuncKeywordDefinition, type ValidateFunction } from 'ajv'
import addFormats from 'ajv-formats'
import { fullFormats } from 'ajv-formats/dist/formats.js'
import { checkText, type TextKind } from '../domain/text.js'
import { passwordProblem } from '../domain/password-rule.js'
import { PASSWORD_KEYWORD, TEXT_KEYWORD } from './schemas.js'

// x-text trims the value where it stands (so the trimmed text is what is stored) and refuses a
// blank one or one holding what is not text, with the reason as the error. It runs before the
// length checks, which then measure the text as it will be stored; a refused value is left as
// it came.
interface TextValidate {
  (data: unknown, cxt?: { parentData?: unknown, parentDataProperty: string | number }): boolean
  errors?: Array<Partial<ErrorObject>>
}

const textKeyword: FuncKeywordDefinition = {
  keyword: TEXT_KEYWORD,
  type: 'string',
  schemaType: 'string',
  metaSchema: { enum: ['line', 'lines'] },
  before: 'maxLength',
  modifying: true,
  errors: true,
  compile (kind: TextKind) {
    const validate: TextValidate = (data, cxt) => {
      const checked = checkText(data as string, kind)
      if (!checked.ok) {
        validate.errors = [{ keyword: TEXT_KEYWORD, message: checked.detail, params: { reason: checked.reason } }]
        return false
      }
      if (checked.text !== data && cxt?.parentData !== undefined) (cxt.parentData as Record<string | number, unknown>)[cxt.parentDataProperty] = checked.text
      return true
    }
    return validate
  }
}

// x-password: the one password rule, its sentence as the error.
const passwordKeyword: FuncKeywordDefinition = {
  keyword: PASSWORD_KEYWORD,
  type: 'string',
  schemaType: 'boolean',
  errors: true,
  compile () {
    const validate: TextValidate = (data) => {
      const problem = passwordProblem(data as string)
      if (problem !== null) validate.errors = [{ keyword: PASSWORD_KEYWORD, message: problem, params: {} }]
      return problem === null
    }
    return validate
  }
}

/** An Ajv for what clients send: every error listed, defaults applied, unknown keywords of the
 *  OpenAPI document ignored, formats and x-text known. `coerce`: query strings and paths, which
 *  arrive as text ('array': one value is a list of one); otherwise (bodies, import rows) a
 *  value must have its type ("12345" is not 12345). */
export function inputAjv ({ coerce = false }: { coerce?: boolean } = {}): Ajv {
  // verbose: an error carries its schema and value, for its words (http/validation-messages).
  const ajv = new Ajv({ allErrors: true, verbose: true, strict: false, useDefaults: true, removeAdditional: false, coerceTypes: coerce ? 'array' : false })
  addFormats.default(ajv)
  // RFC 3339 allows a leap second (23:59:60), which a JavaScript date cannot hold: every
  // instant a client sends is one the service can read, or a 400 naming the field.
  const rfc3339 = fullFormats['date-time'] as { validate: (s: string) => boolean }
  ajv.addFormat('date-time', { type: 'string', validate: (s: string) => rfc3339.validate(s) && !Number.isNaN(Date.parse(s)) })
  ajv.addKeyword(textKeyword)
  ajv.addKeyword(passwordKeyword)
  return ajv
}

/** The check of an import's rows (inputAjv's rules), compiled when first asked for, not when its
 *  module loads: compiling takes about a tenth of a second, which every start of the server and
 *  of each command paid before any file was sent. */
export function rowCheckOnFirstUse<T> (schema: object): () => ValidateFunction<T> {
  let compiled: ValidateFunction<T> | undefined
  return () => (compiled ??= inputAjv().compile<T>(schema))
}
