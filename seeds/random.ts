// A seeded pseudo-random generator, so the demo city is the same on every run. mulberry32:
// 32-bit state, fast, and good enough for demo data (not for anything secret). Each part of
// the seed draws from its own named stream, so changing how officers are drawn does not
// reshuffle the agencies.

export interface Random {
  /** A float in [0, 1). */
  next (): number
  /** An integer in [min, max], both included. */
  int (min: number, max: number): number
  /** True with probability p. */
  chance (p: number): boolean
  pick<T> (items: readonly T[]): T
  /** Picks by weight: items as [value, weight] pairs. */
  weighted<T> (items: ReadonlyArray<readonly [T, number]>): T
  /** A new array in a random order (Fisher–Yates). */
  shuffle<T> (items: readonly T[]): T[]
}

/** FNV-1a of a string: turns a stream name into a 32-bit seed. */
export function hashSeed (s: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

/** A generator seeded by a name (and the global seed), always giving the same sequence. */
export function stream (name: string, seed = 20240731): Random {
  let a = hashSeed(`${seed}:${name}`)
  const next = (): number => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1))
  return {
    next,
    int,
    chance: (p) => next() < p,
    pick: (items) => {
      if (items.length === 0) throw new RangeError('pick from an empty list')
      return items[Math.floor(next() * items.length)] as (typeof items)[number]
    },
    weighted: (items) => {
      const total = items.reduce((s, [, w]) => s + w, 0)
      let r = next() * total
      for (const [v, w] of items) {
        r -= w
        if (r < 0) return v
      }
      return (items[items.length - 1] as (typeof items)[number])[0]
    },
    shuffle: (items) => {
      const out = [...items]
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1))
        const tmp = out[i] as (typeof out)[number]
        out[i] = out[j] as (typeof out)[number]
        out[j] = tmp
      }
      return out
    }
  }
}
