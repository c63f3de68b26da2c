// One request to a bench server, answered however long it takes: an import of 50,000 rows on
// PostgreSQL runs for minutes, past the 300 s fetch waits for an answer's headers.
import { request } from 'node:http'

/** POSTs `body` to `url` and reads the whole answer. */
export async function post (url: string, headers: Record<string, string>, body: string): Promise<{ status: number, text: string }> {
  return await new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(body)
  })
}
