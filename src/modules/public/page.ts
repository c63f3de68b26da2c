// The 公示 page (/public): confirmed 执法主体 with a search box and a region filter, and each
// one's roster of officers holding a live card. One self-contained HTML document in Chinese for
// phones and desktops: no script, no external asset, the inline stylesheet allowed by its hash
// alone. Every value placed in it is escaped. Pure: no I/O.
import { chineseDate, escapeHtml } from '../verify/page.js'
import { inlineStylePageCsp } from '../../http/html-page.js'

export interface PageAgency {
  readonly id: number
  readonly name: string
  readonly kind: 'organ' | 'authorized' | 'entrusted'
  readonly level: string
  readonly regionCode: string
  readonly domains: readonly string[]
  readonly confirmationYear: number | null
  readonly announcementNo: string | null
}

export interface PageHolder { readonly name: string, readonly certificateNumber: string, readonly domains: readonly string[], readonly validUntil: string }

const KINDS = { organ: '行政机关', authorized: '法律法规授权组织', entrusted: '受委托组织' } as const

const CSS = [
  '*{box-sizing:border-box}',
  'html{-webkit-text-size-adjust:100%}',
  'body{margin:0;background:#f3f4f6;color:#111827;font:16px/1.6 "Noto Sans CJK SC","PingFang SC","Microsoft YaHei",system-ui,sans-serif}',
  'main{max-width:60rem;margin:0 auto;padding:1rem}',
  'h1{margin:.25rem 0 .75rem;font-size:1.6rem;line-height:1.3}',
  '.lead{margin:0 0 1rem;color:#374151}',
  'form{display:flex;flex-wrap:wrap;gap:.5rem;margin:0 0 1rem}',
  'input,select,button{font:inherit;padding:.5rem .75rem;border:1px solid #9ca3af;border-radius:.5rem;background:#fff;min-width:0}',
  'input{flex:1 1 12rem}select{flex:0 1 12rem}',
  'button{background:#1d4ed8;color:#fff;border-color:#1d4ed8}',
  'ul{list-style:none;margin:0;padding:0}',
  '.agency{background:#fff;border-radius:.75rem;padding:.75rem 1rem;margin:0 0 .75rem}',
  '.agency h2{margin:0;font-size:1.15rem}.agency a{color:#1d4ed8;text-decoration:none}',
  '.meta{margin:.25rem 0 0;color:#4b5563;font-size:.95rem;overflow-wrap:anywhere}',
  'table{width:100%;border-collapse:collapse;background:#fff;border-radius:.75rem;overflow:hidden}',
  'th,td{text-align:left;padding:.6rem .75rem;border-bottom:1px solid #e5e7eb;vertical-align:top}',
  'th{background:#e5e7eb;font-weight:600}',
  '.num{font-family:ui-monospace,"DejaVu Sans Mono",monospace;overflow-wrap:anywhere}',
  '.pager{margin:1rem 0}.pager a{color:#1d4ed8}',
  '.empty{background:#fff;border-radius:.75rem;padding:1rem}',
  '.note{margin:1rem 0 0;font-size:.9rem;color:#4b5563}',
  '@media (max-width:40rem){thead{display:none}tr{display:block;border-bottom:1px solid #e5e7eb}td{display:block;border:0;padding:.2rem .75rem}td:first-child{padding-top:.6rem;font-weight:600}td:last-child{padding-bottom:.6rem}td[data-label]::before{content:attr(data-label) "：";color:#6b7280}}'
].join('')

/** The pages' Content-Security-Policy: nothing loads, only this stylesheet applies; forms go
 *  back to this service only. */
export const PUBLIC_PAGE_CSP = inlineStylePageCsp(CSS, "'self'")

function document (title: string, body: string): string {
  return '<!doctype html>\n<html lang="zh-CN"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    '<meta name="referrer" content="no-referrer">' +
    `<title>${escapeHtml(title)} · 行政执法主体和人员公示</title><style>${CSS}</style></head>` +
    `<body><main>${body}<p class="note">依据行政执法公示制度公开执法主体及持有有效行政执法证件的人员。对执法人员身份有疑问，可扫描证件二维码验证或向当地司法局核实。</p></main></body></html>\n`
}

const pager = (href: string | null) => (href === null ? '' : `<p class="pager"><a href="${escapeHtml(href)}">下一页 ›</a></p>`)

/** The agency list: search box, region filter, a card per agency linking to its roster. */
export function renderAgencyList (v: { q: string, region: string, regions: readonly string[], agencies: readonly PageAgency[], next: string | null }): string {
  const options = ['<option value="">全部地区</option>', ...v.regions.map((r) => `<option value="${escapeHtml(r)}"${r === v.region ? ' selected' : ''}>行政区划 ${escapeHtml(r)}</option>`)].join('')
  const items = v.agencies.map((a) => '<li class="agency">' +
    `<h2><a href="/public/agencies/${a.id}">${escapeHtml(a.name)}</a></h2>` +
    `<p class="meta">${KINDS[a.kind]} · 执法领域：${escapeHtml(a.domains.join('、') || '—')}</p>` +
    `<p class="meta">${a.confirmationYear === null ? '' : `${a.confirmationYear}年度确认公告 ${escapeHtml(a.announcementNo ?? '')}`}</p></li>`).join('')
  return document('执法主体公示',
    '<h1>行政执法主体公示</h1><p class="lead">经确认公告的行政执法主体。点击主体名称查看持有有效行政执法证件的人员。</p>' +
    '<form method="get" action="/public" role="search">' +
    `<input type="search" name="q" value="${escapeHtml(v.q)}" placeholder="输入主体名称搜索" aria-label="主体名称" maxlength="100">` +
    `<select name="region" aria-label="地区">${options}</select><button type="submit">查询</button></form>` +
    (items === '' ? '<p class="empty">没有符合条件的执法主体。</p>' : `<ul>${items}</ul>`) + pager(v.next))
}

/** One agency's roster: name, certificate number, domains, validity. */
export function renderRoster (v: { agency: PageAgency, holders: readonly PageHolder[], next: string | null }): string {
  const a = v.agency
  const rows = v.holders.map((h) => `<tr><td>${escapeHtml(h.name)}</td><td class="num" data-label="证号">${escapeHtml(h.certificateNumber)}</td>` +
    `<td data-label="执法领域">${escapeHtml(h.domains.join('、') || '—')}</td><td data-label="有效期至">${chineseDate(h.validUntil)}</td></tr>`).join('')
  return document(a.name,
    '<p class="pager"><a href="/public">‹ 返回执法主体列表</a></p>' +
    `<h1>${escapeHtml(a.name)}</h1>` +
    `<p class="lead">${KINDS[a.kind]} · 执法领域：${escapeHtml(a.domains.join('、') || '—')}${a.confirmationYear === null ? '' : ` · ${a.confirmationYear}年度确认公告 ${escapeHtml(a.announcementNo ?? '')}`}</p>` +
    (rows === ''
      ? '<p class="empty">该主体目前没有持有有效证件的执法人员。</p>'
      : `<table><thead><tr><th>姓名</th><th>证号</th><th>执法领域</th><th>有效期至</th></tr></thead><tbody>${rows}</tbody></table>`) +
    pager(v.next))
}

/** A page for what could not be shown (an unknown agency, a bad link, too many requests). */
export function renderPublicProblem (title: string, text: string): string {
  return document(title, `<h1>${escapeHtml(title)}</h1><p class="empty">${escapeHtml(text)}</p><p class="pager"><a href="/public">‹ 返回执法主体列表</a></p>`)
}
