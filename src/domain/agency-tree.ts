// The agency hierarchy as materialised paths ('/1/7/23/'): an agency's path is its parent's
// path plus its own id. Scope is "this agency and everything below it", i.e. a path prefix.

/** Returns the path of agency `id` placed under a parent with `parentPath` ('' for a root). */
export function childPath (parentPath: string, id: number): string {
  return `${parentPath === '' ? '/' : parentPath}${id}/`
}

/** Returns true when moving the agency at `path` under `newParentPath` would make it its own
 *  ancestor (the new parent is the agency itself or lies below it). */
export function createsCycle (path: string, newParentPath: string): boolean {
  return newParentPath.startsWith(path)
}

/** Returns `descendantPath` re-rooted after its ancestor moved from `oldPrefix` to `newPrefix`. */
export function rebasePath (descendantPath: string, oldPrefix: string, newPrefix: string): string {
  if (!descendantPath.startsWith(oldPrefix)) throw new RangeError(`${descendantPath} is not below ${oldPrefix}`)
  return newPrefix + descendantPath.slice(oldPrefix.length)
}
