// Child processes for the benchmark: servers on 127.0.0.1 that the run starts and always stops,
// their memory as Linux reports it, and a free port.
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'

export const ROOT = new URL('..', import.meta.url).pathname

/** A TCP port nothing listens on right now (the kernel's choice). */
export async function freePort (): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const address = s.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      s.close(() => resolve(port))
    })
  })
}

export interface Child {
  readonly proc: ChildProcess
  readonly pid: number
  readonly url: string
  /** Milliseconds from spawn until /readyz answered 200. */
  readonly readyMs: number
  stop (): Promise<void>
}

const children = new Set<ChildProcess>()
/** Stops every child still running (on the way out, whatever happened). */
export function stopAll (): void {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL')
}

const READY_TIMEOUT_MS = 60_000

/** Runs a server entry and waits until /readyz is 200. */
export async function startChild (entry: string, env: Record<string, string>): Promise<Child> {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const started = performance.now()
  // TypeScript through tsx; a built .mjs (what npm start runs) with plain node.
  const proc = spawn(process.execPath, entry.endsWith('.ts') ? ['--import', 'tsx', entry] : [entry], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env, HOST: '127.0.0.1', PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe']
  })
  children.add(proc)
  let stderr = ''
  proc.stderr?.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000) })
  const exited = new Promise<void>((resolve) => proc.once('exit', () => { children.delete(proc); resolve() }))
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`${entry} exited (${proc.exitCode}): ${stderr}`)
    if (performance.now() - started > READY_TIMEOUT_MS) { proc.kill('SIGKILL'); throw new Error(`${entry} not ready after ${READY_TIMEOUT_MS} ms: ${stderr}`) }
    try {
      const res = await fetch(`${url}/readyz`)
      if (res.status === 200) break
    } catch { /* not listening yet */ }
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  const readyMs = performance.now() - started
  return {
    proc,
    pid: proc.pid ?? 0,
    url,
    readyMs,
    async stop () {
      if (proc.exitCode !== null) return
      proc.kill('SIGTERM')
      const timer = setTimeout(() => proc.kill('SIGKILL'), 15_000)
      await exited
      clearTimeout(timer)
    }
  }
}

/** Resident memory of a process in MB: now (VmRSS) and its peak so far (VmHWM). */
export function memoryOf (pid: number): { rssMb: number, peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN)
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 }
}

/** Runs Node with `args` to completion; resolves with its exit code and wall time. */
export async function runCommand (args: string[], env: Record<string, string> = {}): Promise<{ code: number | null, ms: number, stderr: string }> {
  const started = performance.now()
  const proc = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] })
  children.add(proc)
  let stderr = ''
  proc.stderr?.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000) })
  const code = await new Promise<number | null>((resolve) => proc.once('exit', (c) => { children.delete(proc); resolve(c) }))
  return { code, ms: performance.now() - started, stderr }
}
