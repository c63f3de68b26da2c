// Memory that stays bounded: what a process keeps (verified tokens, opened ID numbers, prepared
// statements, reads kept between writes) holds at most so many entries, the oldest set going
// first.

/** Sets `key` in `map`, then lets the oldest entry go when more than `max` are kept. */
export function setBounded<K, V> (map: Map<K, V>, key: K, value: V, max: number): void {
  map.set(key, value)
  if (map.size > max) map.delete(map.keys().next().value as K)
}
