// npm run openapi: writes openapi/openapi.json from the code.
import { writeFileSync } from 'node:fs'
import { OPENAPI_FILE, renderOpenapi } from '../openapi-document.js'

writeFileSync(OPENAPI_FILE, await renderOpenapi())
process.stdout.write(`wrote ${OPENAPI_FILE.pathname}\n`)
