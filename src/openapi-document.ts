// The OpenAPI document as the code defines it, for `npm run openapi` and the drift test.
import { buildApp } from './app.js'
import { testConfig } from './config.js'

export const OPENAPI_FILE = new URL('../openapi/openapi.json', import.meta.url)

/** Builds the app over a throwaway database and returns its OpenAPI document as text. */
export async function renderOpenapi (): Promise<string> {
  const app = await buildApp(testConfig())
  try {
    await app.ready()
    return JSON.stringify(app.swagger(), null, 2) + '\n'
  } finally {
    await app.close()
  }
}
