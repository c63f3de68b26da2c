// Reports as files a clerk opens in Excel or WPS, for every report route: the formats a report
// answers in and which one a request asks for, and the files themselves: CSV (UTF-8 with BOM, so
// Chinese headers display) and xlsx (exceljs' streaming writer). Both are produced batch by batch from
// an async iterable (the next batch is read only when the stream wants more) and respect
// back-pressure, so memory stays flat however many rows there are.
import { PassThrough, Readable } from 'node:stream'
import { once } from 'node:events'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { Type, type TSchema } from 'typebox'

/** What ?format= takes on every report. */
export const FORMATS = ['json', 'csv', 'xlsx'] as const
export type Format = typeof FORMATS[number]
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

/** The report's format: ?format= when the query names it, else the first of CSV, the xlsx type or
 *  JSON the Accept header lists (a client that asks by media type, curl -H 'Accept: text/csv'),
 *  else the query's default (json). */
export function chosenFormat (req: Pick<FastifyRequest, 'url' | 'headers'>, queried: Format): Format {
  if (new URLSearchParams(req.url.split('?')[1] ?? '').has('format')) return queried
  for (const range of (req.headers.accept ?? '').split(',')) {
    if (/;\s*q=0(\.0*)?\s*(;|$)/i.test(range)) continue // q=0: not acceptable
    const type = range.split(';')[0]?.trim().toLowerCase()
    if (type === 'text/csv') return 'csv'
    if (type === XLSX_TYPE) return 'xlsx'
    if (type === 'application/json') return 'json'
  }
  return queried
}

/** A report's 200 answer as the OpenAPI document gives it: `page` as JSON, or the file as CSV or
 *  xlsx (the route's `format`, or the request's Accept: chosenFormat). */
export function reportAnswer<T extends TSchema> (page: T, description = '报表 the report') {
  return {
    description,
    content: {
      'application/json': { schema: page },
      'text/csv': { schema: Type.String({ description: 'CSV, UTF-8 with BOM' }) },
      [XLSX_TYPE]: { schema: Type.String({ format: 'binary' }) }
    }
  }
}

/** Streams a file out as an attachment named `name`. The typed reply knows only the JSON shape,
 *  so the stream goes through the plain reply (no serializer runs on a stream anyway). */
export function sendFile (reply: FastifyReply, type: string, name: string, stream: Readable) {
  return reply.type(type).header('content-disposition', `attachment; filename="${name}"`).send(stream)
}

/** `batches` as the file `format` asks for: CSV or an xlsx workbook of one sheet. */
export function sendReportFile<R> (reply: FastifyReply, format: 'csv' | 'xlsx', file: string, sheet: string, columns: readonly Column<R>[], batches: AsyncIterable<R[]>) {
  if (format === 'csv') return sendFile(reply, 'text/csv; charset=utf-8', `${file}.csv`, csvStream(columns, batches))
  return sendFile(reply, XLSX_TYPE, `${file}.xlsx`, xlsxStream(sheet, columns, batches))
}

export interface Column<R> {
  header: string
  value: (row: R) => string | number | boolean | null
  width?: number
}

/** One CSV field: quoted when it holds a separator, quote or line break; a text starting
 *  with = + - @ (or a tab / CR) gets a leading apostrophe so a spreadsheet never runs it as a
 *  formula. Numbers and booleans are written as they are. */
export function csvField (v: string | number | boolean | null): string {
  if (v === null) return ''
  if (typeof v !== 'string') return String(v)
  const text = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

const csvLine = <R>(columns: readonly Column<R>[], row: R) => columns.map((c) => csvField(c.value(row))).join(',') + '\r\n'

/** A CSV stream: BOM and header line, then one chunk per batch. */
export function csvStream<R> (columns: readonly Column<R>[], batches: AsyncIterable<R[]>): Readable {
  async function * lines () {
    yield '\ufeff' + columns.map((c) => csvField(c.header)).join(',') + '\r\n'
    for await (const batch of batches) yield batch.map((r) => csvLine(columns, r)).join('')
  }
  return Readable.from(lines(), { objectMode: false })
}

/** An xlsx stream of one worksheet; errors end the stream with that error. */
export function xlsxStream<R> (sheetName: string, columns: readonly Column<R>[], batches: AsyncIterable<R[]>): Readable {
  const out = new PassThrough()
  const write = async () => {
    // exceljs is large (loading it took a sixth of the start-up): loaded on the first xlsx export.
    const { default: ExcelJS } = await import('exceljs')
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false })
    const sheet = workbook.addWorksheet(sheetName, { views: [{ state: 'frozen', ySplit: 1 }] })
    sheet.columns = columns.map((c) => ({ header: c.header, width: c.width ?? 14 }))
    sheet.getRow(1).font = { bold: true }
    for await (const batch of batches) {
      for (const row of batch) sheet.addRow(columns.map((c) => c.value(row))).commit()
      // Let the zip stream drain to the client before reading the next batch.
      if (out.writableNeedDrain) await once(out, 'drain')
      else await new Promise((resolve) => setImmediate(resolve))
    }
    sheet.commit()
    await workbook.commit()
  }
  write().catch((err: unknown) => out.destroy(err instanceof Error ? err : new Error(String(err))))
  return out
}
