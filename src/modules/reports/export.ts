// Report rows as files a clerk opens in Excel or WPS: CSV (UTF-8 with BOM, so Chinese
// headers display) and xlsx (exceljs' streaming writer). Both are produced batch by batch from
// an async iterable (the next batch is read only when the stream wants more) and respect
// back-pressure, so memory stays flat however many rows there are.
import { PassThrough, Readable } from 'node:stream'
import { once } from 'node:events'

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
