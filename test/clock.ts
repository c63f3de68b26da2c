// The tests' time: fixed date, real flow. No test reads the machine's date.
import type { Clock } from '../src/modules/context.js'

/** The moment the tests run "at": 10:00 on 1 December 2026 in Asia/Shanghai, whatever today is.
 *  Every app a test builds reads the time from a clock (AppDeps.clock), never the machine's, so
 *  the suite gives the same answers on any day (CI also runs it under faketime). */
export const TEST_NOW = new Date('2026-12-01T02:00:00Z')

/** A clock that starts at `at` and then moves on with real time (a token's lifetime, a lockout
 *  and a lease pass as they would), so the date is fixed but time still flows. */
export function testClock (at: Date = TEST_NOW): Clock {
  const started = performance.now()
  return () => new Date(at.getTime() + Math.floor(performance.now() - started))
}
