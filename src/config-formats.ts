// The string formats the settings schema uses (src/config-validator.ts; in the bundles, the
// check compiled at build time requires this module by name).
export const uri = (s: string): boolean => {
  try {
    return Boolean(new URL(s))
  } catch {
    return false
  }
}
