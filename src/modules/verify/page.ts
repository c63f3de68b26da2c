// The verification page a citizen's phone opens from the card's QR code: one self-contained
// HTML document in Chinese (no script, no external asset, inline CSS allowed by its hash alone),
// readable at arm's length. Every value placed in it is escaped. Pure: no I/O.
import type { CertificateStatus } from '../../domain/certificates.js'
import { inlineStylePageCsp } from '../../http/html-page.js'

export interface PageVerification {
  readonly number: string
  readonly valid: boolean
  readonly status: CertificateStatus
  readonly statusLabel: string
  readonly agency: string
  readonly holder: string
  readonly domains: readonly string[]
  readonly validUntil: string
  readonly checkedAt: string
}

const EXPLANATIONS: Record<CertificateStatus, string> = {
  active: '该证件有效，持证人可在下列执法领域内依法从事行政执法活动。',
  suspended: '该证件已被暂扣，持证人目前不得从事行政执法活动。',
  revoked: '该证件已被吊销，持证人不得从事行政执法活动。',
  cancelled: '该证件已注销，持证人不得从事行政执法活动。',
  expired: '该证件已超过有效期，持证人不得凭此证从事行政执法活动。'
}

const CSS = [
  '*{box-sizing:border-box}',
  'html{-webkit-text-size-adjust:100%}',
  'body{margin:0;background:#f3f4f6;color:#111827;font:18px/1.6 "Noto Sans CJK SC","PingFang SC","Microsoft YaHei",system-ui,sans-serif}',
  'main{max-width:34rem;margin:0 auto;padding:1rem}',
  '.brand{margin:0 0 .75rem;font-size:1rem;color:#374151;text-align:center;letter-spacing:.05em}',
  '.verdict{border-radius:1rem;padding:1.5rem 1rem;text-align:center;color:#fff}',
  '.ok{background:#15803d}.bad{background:#b91c1c}.notice{background:#4b5563}',
  '.mark{margin:0;font-size:3rem;line-height:1}',
  'h1{margin:.25rem 0 .5rem;font-size:3.25rem;line-height:1.2;letter-spacing:.1em}',
  '.verdict p{margin:0;font-size:1.1rem}',
  'dl{margin:1rem 0;padding:0 1rem;background:#fff;border-radius:1rem}',
  'dl div{padding:.75rem 0;border-bottom:1px solid #e5e7eb}dl div:last-child{border-bottom:0}',
  'dt{font-size:.95rem;color:#6b7280}',
  'dd{margin:0;font-size:1.35rem;font-weight:600;overflow-wrap:anywhere}',
  '.num{font-family:ui-monospace,"DejaVu Sans Mono",monospace;letter-spacing:.05em}',
  '.note{margin:1rem 0 0;font-size:.95rem;color:#4b5563}'
].join('')

/** The page's Content-Security-Policy: nothing loads, only this exact stylesheet applies. */
export const PAGE_CSP = inlineStylePageCsp(CSS, "'none'")

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Text made safe for HTML content and quoted attribute values. */
export function escapeHtml (s: string): string {
  return s.replace(/[&<>"']/g, (c) => ENTITIES[c] as string)
}

/** '2031-03-14' → '2031年3月14日'. */
export function chineseDate (iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso)
  return m ? `${m[1]}年${Number(m[2])}月${Number(m[3])}日` : iso
}

/** An instant as Beijing time (UTC+8 all year): '2026年3月15日 14:03:22'. */
export function beijingTime (instant: string): string {
  const ms = Date.parse(instant)
  if (Number.isNaN(ms)) return instant
  const s = new Date(ms + 8 * 3600_000).toISOString()
  return `${chineseDate(s.slice(0, 10))} ${s.slice(11, 19)}`
}

function document (title: string, body: string): string {
  return '<!doctype html>\n<html lang="zh-CN"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    '<meta name="robots" content="noindex, nofollow"><meta name="referrer" content="no-referrer">' +
    `<title>${escapeHtml(title)} · 行政执法证件查询</title><style>${CSS}</style></head>` +
    `<body><main><p class="brand">行政执法证件查询验证</p>${body}</main></body></html>\n`
}

const row = (label: string, value: string, cls = '') =>
  `<div><dt>${label}</dt><dd${cls ? ` class="${cls}"` : ''}>${escapeHtml(value)}</dd></div>`

/** The page for a certificate found: the verdict in large type, then what the card should show. */
export function renderVerificationPage (v: PageVerification): string {
  return document(v.statusLabel,
    `<section class="verdict ${v.valid ? 'ok' : 'bad'}" role="status">` +
    `<p class="mark" aria-hidden="true">${v.valid ? '✓' : '✕'}</p>` +
    `<h1>${escapeHtml(v.statusLabel)}</h1><p>${escapeHtml(EXPLANATIONS[v.status])}</p></section>` +
    '<dl>' +
    row('持证人', v.holder) +
    row('执法单位', v.agency) +
    row('执法领域', v.domains.join('、') || '—') +
    row('有效期至', chineseDate(v.validUntil)) +
    row('证号', v.number, 'num') +
    row('查询时间（北京时间）', beijingTime(v.checkedAt)) +
    '</dl>' +
    '<p class="note">请核对出示证件的人员与证件照片、姓名是否一致。如有疑问，可向该执法单位或当地司法局核实。</p>')
}

export type ProblemPageKind = 'not-found' | 'number-invalid' | 'rate-limited' | 'bad-request' | 'unavailable'

/** The page for a number that verifies nothing, or a request that could not be answered. */
export function renderProblemPage (kind: ProblemPageKind, typed: string, retryAfterSeconds?: number): string {
  const number = escapeHtml(typed.trim().slice(0, 40))
  const [title, style, text] = ({
    'not-found': ['查无此证', 'bad', `系统中没有证号为 <span class="num">${number}</span> 的行政执法证件。请核对证号；如对方坚持出示此证，请向当地司法局反映。`],
    'number-invalid': ['证号有误', 'notice', `证号 <span class="num">${number}</span> 的校验位不符，可能输入或识别有误。请核对后重新查询。`],
    'rate-limited': ['查询过于频繁', 'notice', `请${retryAfterSeconds ? `于 ${retryAfterSeconds} 秒后` : '稍后'}再试。`],
    'bad-request': ['无法识别的查询', 'notice', '请扫描证件上的二维码，或核对证号后重新查询。'],
    unavailable: ['暂时无法查询', 'notice', '系统暂时无法完成查询，请稍后再试。']
  } as const)[kind]
  return document(title, `<section class="verdict ${style}" role="status"><p class="mark" aria-hidden="true">${style === 'bad' ? '✕' : '!'}</p>` +
    `<h1>${title}</h1><p>${text}</p></section>` +
    '<p class="note">行政执法人员执法时应主动出示执法证件。对执法人员身份有疑问，可向当地司法局核实。</p>')
}
