// The one password rule, for every way an account gets a password: POST and PATCH /v1/users
// (the x-password keyword of the request schema), the command line (user add, user passwd)
// and the first admin's REGISTRY_ADMIN_PASSWORD. Pure; each caller shows the same sentence.

export const PASSWORD_MIN_CHARACTERS = 10
export const PASSWORD_MAX_CHARACTERS = 256

/** The rule in words, for the API's description and the commands' usage. */
export const PASSWORD_RULE = `${PASSWORD_MIN_CHARACTERS} to ${PASSWORD_MAX_CHARACTERS} characters / ${PASSWORD_MIN_CHARACTERS} 至 ${PASSWORD_MAX_CHARACTERS} 个字符`

/** Why `password` may not be used, as one sentence in English and Chinese; null when it may.
 *  Characters are counted as code points, as JSON Schema's minLength does. */
export function passwordProblem (password: string): string | null {
  const length = [...password].length
  if (length < PASSWORD_MIN_CHARACTERS) return `a password needs at least ${PASSWORD_MIN_CHARACTERS} characters / 密码至少 ${PASSWORD_MIN_CHARACTERS} 个字符`
  if (length > PASSWORD_MAX_CHARACTERS) return `a password has at most ${PASSWORD_MAX_CHARACTERS} characters / 密码至多 ${PASSWORD_MAX_CHARACTERS} 个字符`
  return null
}
