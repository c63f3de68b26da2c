// A worker thread running a TypeScript file (test/workers.ts tsWorker): Node 20 does not apply
// the parent's --import=tsx loader to a worker's own entry, so the entry is loaded through tsx.
import { workerData } from 'node:worker_threads'
import { tsImport } from 'tsx/esm/api'

await tsImport(workerData.tsEntry, import.meta.url)
