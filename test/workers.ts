// Worker threads for tests that need a second connection in another thread (races, writers).
import { Worker, type WorkerOptions } from 'node:worker_threads'

/** Starts `file` (TypeScript) in a worker thread with `options.workerData` (plus its own entry). */
export function tsWorker (file: URL, options: WorkerOptions & { workerData: Record<string, unknown> }): Worker {
  return new Worker(new URL('./ts-worker.mjs', import.meta.url), { ...options, workerData: { ...options.workerData, tsEntry: file.href } })
}
