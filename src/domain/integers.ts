// Integer helpers. Counts and training units are exact integers; these keep them so
// (a float quotient fed to Math.ceil is right in practice, but the rule is "no floats").

/** Returns `n` unchanged when it is a safe integer >= 0; throws RangeError naming `what` otherwise. */
export function wholeNumber (what: string, n: number): number {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${what} must be a whole number >= 0, got ${n}`)
  return n
}

/** Returns ceil(a / b) for integers a >= 0 and b > 0, using integer remainder only. */
export function ceilDiv (a: number, b: number): number {
  const r = a % b
  return (a - r) / b + (r > 0 ? 1 : 0)
}

/** Returns a / b rounded half up to the nearest integer, for integers a >= 0 and b > 0. */
export function roundDiv (a: number, b: number): number {
  const r = a % b
  return (a - r) / b + (r * 2 >= b ? 1 : 0)
}
