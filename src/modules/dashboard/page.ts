// The leadership dashboard's page (领导数据看板): one HTML document in Chinese, its stylesheet and
// its Content-Security-Policy. The page holds no data and no script of its own: the script
// (client.ts) and ECharts load from this service, sign the leader in and read the API with the
// bearer token. Pure: no I/O.

export const PATHS = {
  page: '/dashboard',
  css: '/dashboard/dashboard.css',
  script: '/dashboard/dashboard.js',
  echarts: '/dashboard/echarts.min.js'
} as const

/** The page's policy: scripts and the stylesheet from this service only, API calls to it only,
 *  images from it or data: (ECharts' "save as image" and its canvas export), nothing else.
 *  ECharts draws on canvas and sets its elements' styles through the CSSOM (element.style),
 *  which style-src does not govern, and its tooltips are drawn on the canvas too (renderMode
 *  'richText' in client.ts), so no 'unsafe-inline' is needed; nor 'unsafe-eval': ECharts' one
 *  `new Function` parses a GeoJSON map given as text, which this page never draws. */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'"
].join('; ')

/** A headline figure: its name, its value, and a line about what it counts. */
const figure = (id: string, label: string) =>
  `<div class="figure"><dt>${label}</dt><dd id="${id}">—</dd><dd class="figure-note" id="${id}-note"></dd></div>`

/** A section: one sheet on paper. Its `note` is printed with it; its `hint` (how to use the
 *  charts on screen) is not. */
const section = (id: string, title: string, body: string, { note = '', hint = '' } = {}) =>
  `<section class="sheet" id="${id}"><header class="sheet-head"><h2>${title}</h2>` +
  (note ? `<p class="note">${note}</p>` : '') + (hint ? `<p class="note screen-only">${hint}</p>` : '') +
  `</header>${body}</section>`

/** A table to fill; a header written '#…' heads a column of numbers (right-aligned). */
const table = (id: string, headers: readonly string[]) =>
  `<div class="table-wrap"><table id="${id}"><thead><tr>${headers.map((h) => h.startsWith('#') ? `<th scope="col" class="num">${h.slice(1)}</th>` : `<th scope="col">${h}</th>`).join('')}</tr></thead><tbody></tbody></table></div>`

/** A chart's place (ECharts draws into it); its label for screen readers. */
const chart = (id: string, label: string, tall = false) => `<div class="chart${tall ? ' tall' : ''}" id="${id}" role="img" aria-label="${label}"></div>`

/** On paper a chart shows the window the screen showed: every row is in a table beside it. */
const printedTable = (id: string, headers: readonly string[]) => `<div class="print-only">${table(id, headers)}</div>`

const SIGN_IN = '<section class="signin" id="signin" hidden><form id="signin-form" novalidate>' +
  '<h2>领导登录</h2><p class="hint">请使用本系统账号登录。登录凭据仅保存在当前浏览器标签页，关闭标签页即退出。</p>' +
  '<label for="username">用户名</label><input id="username" name="username" autocomplete="username" required>' +
  '<label for="password">密码</label><input id="password" name="password" type="password" autocomplete="current-password" required>' +
  '<p class="error" id="signin-error" role="alert" hidden></p>' +
  '<button type="submit" id="signin-button">登录</button></form></section>'

const FILTERS = '<form class="filters" id="filters" novalidate>' +
  '<label>年度<select id="year" name="year"></select></label>' +
  '<label class="wide">地区（执法主体）<select id="area" name="area"><option value="">全部（权限范围内）</option></select></label>' +
  '<label>统计口径<select id="group" name="group"><option value="agency">按执法主体</option><option value="region">按区县</option></select></label>' +
  '<p class="asof" id="asof"></p></form>'

const SECTIONS = [
  section('overview', '总体情况', '<p class="print-only" id="print-caption"></p><dl class="figures">' +
    figure('fig-officers', '在岗执法人员') +
    figure('fig-compliance', '学时达标率') +
    figure('fig-certificates', '有效执法证件') +
    figure('fig-shortfall', '法制审核人员不足的主体') +
    figure('fig-plans', '未报送培训计划的主体') + '</dl>'),
  section('compliance', '学时达标率',
    chart('chart-compliance', '学时达标率柱状图', true) +
    printedTable('compliance-table', ['执法主体', '#应参训', '#已达标', '#达标率']) +
    '<div class="drill" id="drill" hidden><h3 id="drill-title"></h3>' +
    table('drill-table', ['姓名', '工号', '#公共法律知识学时', '#专业法律知识学时', '状态']) + '</div>',
    { note: '按达标率从高到低排列。', hint: '拖动右侧滑块查看其余主体；点击柱形，查看该执法主体的执法人员学时明细。' }),
  section('staffing', '法制审核人员配备缺口（5%）',
    '<p class="empty" id="staffing-empty" hidden>各执法主体法制审核人员均已按不低于执法人员总数 5% 的比例配备。</p>' +
    table('staffing-table', ['执法主体', '#执法人员', '#法制审核人员', '#应配', '#缺口']),
    { note: '法制审核人员不得少于本单位执法人员总数的 5%，缺口大的在前；按今日在岗人员计。' }),
  section('certificates', '证件到期与待收回（按月）', chart('chart-certificates', '证件到期与待收回折线图')),
  section('grades', '年度考核等次', chart('chart-grades', '年度考核等次饼图')),
  section('training', '培训计划学时与完成学时',
    chart('chart-training', '培训计划与完成学时柱状图', true) +
    printedTable('training-table', ['执法主体', '计划', '#计划学时', '#已完成学时']),
    { note: '各执法主体年度培训计划学时与已组织完成的学时（线上与线下合计）。', hint: '拖动右侧滑块查看其余主体。' })
]

/** The page: a sign-in form, the filters, the headline figures and one section per chart or list. */
export const DASHBOARD_HTML = '<!doctype html>\n<html lang="zh-CN"><head><meta charset="utf-8">' +
  '<meta name="viewport" content="width=device-width, initial-scale=1">' +
  '<meta name="robots" content="noindex, nofollow"><meta name="referrer" content="no-referrer">' +
  '<title>行政执法数据看板</title><link rel="icon" href="data:,">' +
  `<link rel="stylesheet" href="${PATHS.css}">` +
  `<script src="${PATHS.echarts}" defer></script><script src="${PATHS.script}" defer></script>` +
  '</head><body data-state="loading">' +
  '<header class="top"><div class="brand"><p class="brand-kicker">行政执法人员登记系统</p><h1>行政执法数据看板</h1></div>' +
  '<div class="account" id="account" hidden><span class="user" id="user"></span>' +
  '<button type="button" class="ghost" id="print">打印报告</button><button type="button" class="ghost" id="signout">退出登录</button></div></header>' +
  '<main><noscript><p class="error">本页面需要启用 JavaScript。</p></noscript>' + SIGN_IN +
  '<div class="board" id="board" hidden>' + FILTERS + '<p class="error banner" id="error" role="alert" hidden></p>' +
  SECTIONS.join('') + '</div></main></body></html>\n'

/** The page's stylesheet: desktop and tablet, then print (A4, one section per page). */
export const DASHBOARD_CSS = `
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:#eef1f5;color:#1f2937;font:16px/1.6 "Noto Sans CJK SC","PingFang SC","Microsoft YaHei",system-ui,sans-serif}
[hidden]{display:none!important}
.top{display:flex;align-items:center;justify-content:space-between;gap:1rem;padding:.75rem 1.5rem;background:#1d3b6e;color:#fff}
.brand-kicker{margin:0;font-size:.8rem;opacity:.8;letter-spacing:.08em}
.top h1{margin:0;font-size:1.4rem;letter-spacing:.12em;font-weight:600}
.account{display:flex;align-items:center;gap:.5rem;flex-wrap:wrap}
.user{font-size:.9rem;margin-right:.25rem}
button{font:inherit;cursor:pointer;border-radius:.375rem;border:1px solid #1d3b6e;background:#1d3b6e;color:#fff;padding:.45rem 1rem}
button:hover{background:#264d8f}
button.ghost{background:transparent;border-color:rgba(255,255,255,.6);color:#fff;padding:.3rem .8rem;font-size:.9rem}
button.ghost:hover{background:rgba(255,255,255,.12)}
main{max-width:1320px;margin:0 auto;padding:1rem 1.25rem 2rem}
.signin{display:flex;justify-content:center;padding:3rem 0}
.signin form{width:100%;max-width:24rem;background:#fff;border-radius:.75rem;padding:1.75rem;box-shadow:0 1px 3px rgba(15,23,42,.12)}
.signin h2{margin:0 0 .25rem;font-size:1.35rem;color:#1d3b6e}
.signin label{display:block;margin:.9rem 0 .3rem;font-weight:600;font-size:.95rem}
.signin input{width:100%;font:inherit;padding:.55rem .7rem;border:1px solid #cbd5e1;border-radius:.375rem}
.signin input:focus,select:focus{outline:2px solid #2f6fd1;outline-offset:1px}
.signin button{width:100%;margin-top:1.25rem;padding:.6rem}
.hint{margin:.25rem 0 0;color:#64748b;font-size:.85rem}
.error{margin:.75rem 0 0;padding:.6rem .8rem;border-radius:.375rem;background:#fef2f2;color:#b91c1c;border:1px solid #fecaca;font-size:.95rem}
.banner{margin:0}
.filters{display:flex;flex-wrap:wrap;align-items:flex-end;gap:.75rem 1.25rem;margin:0;padding:.85rem 1rem;background:#fff;border-radius:.75rem;box-shadow:0 1px 3px rgba(15,23,42,.08)}
.filters label{display:flex;flex-direction:column;gap:.25rem;font-size:.85rem;color:#475569;font-weight:600}
.filters label.wide{flex:1 1 18rem;max-width:30rem}
select{font:inherit;font-weight:400;color:#1f2937;padding:.4rem .6rem;border:1px solid #cbd5e1;border-radius:.375rem;background:#fff;min-width:8rem}
.asof{margin:0 0 .35rem auto;color:#64748b;font-size:.85rem}
.board{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:1rem}
.board>.filters,.board>.banner,#overview,#compliance,#staffing,#training{grid-column:1/-1}
.sheet{background:#fff;border-radius:.75rem;padding:1rem 1.25rem 1.25rem;box-shadow:0 1px 3px rgba(15,23,42,.08);min-width:0}
.sheet-head{display:flex;flex-wrap:wrap;align-items:baseline;gap:.25rem 1rem;margin-bottom:.5rem}
.sheet h2{margin:0;font-size:1.1rem;color:#1d3b6e;border-left:4px solid #1d3b6e;padding-left:.6rem}
.note{margin:0;color:#64748b;font-size:.85rem}
.figures{display:grid;grid-template-columns:repeat(5,minmax(0,1fr));gap:.75rem;margin:0}
.figure{padding:.75rem 1rem;border:1px solid #e2e8f0;border-radius:.6rem;background:#f8fafc}
.figure dt{font-size:.85rem;color:#475569}
.figure dd{margin:.15rem 0 0;font-size:1.9rem;font-weight:700;color:#1d3b6e;line-height:1.2;font-variant-numeric:tabular-nums}
.figure dd.figure-note{margin:.2rem 0 0;font-size:.8rem;font-weight:400;color:#64748b;line-height:1.5;min-height:1.2em}
.figure.warn dd:not(.figure-note){color:#b45309}
.figure.bad dd:not(.figure-note){color:#b91c1c}
.chart{width:100%;height:340px}
.chart.tall{height:420px}
.drill{margin-top:1rem;border-top:1px solid #e2e8f0;padding-top:.75rem}
.drill h3{margin:0 0 .5rem;font-size:1rem;color:#1f2937}
.table-wrap{overflow-x:auto}
table{width:100%;border-collapse:collapse;font-size:.92rem}
th,td{padding:.45rem .6rem;border-bottom:1px solid #e2e8f0;text-align:left;white-space:nowrap}
th{background:#f1f5f9;color:#334155;font-weight:600}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
td.name{white-space:normal;min-width:12rem}
tbody tr:nth-child(even){background:#fafbfc}
.status{display:inline-block;padding:0 .5rem;border-radius:999px;font-size:.8rem;line-height:1.6}
.status.compliant{background:#dcfce7;color:#166534}.status.on_track{background:#dbeafe;color:#1e40af}
.status.at_risk{background:#fef3c7;color:#92400e}.status.non_compliant{background:#fee2e2;color:#991b1b}
.status.not_applicable{background:#f1f5f9;color:#475569}
.short{color:#b91c1c;font-weight:700}
.empty{margin:.5rem 0;color:#166534}
.print-only{display:none}
@media (max-width:1100px){.figures{grid-template-columns:repeat(3,minmax(0,1fr))}}
@media (max-width:900px){
  .board{grid-template-columns:minmax(0,1fr)}
  main{padding:.75rem}
  .top{padding:.75rem 1rem}
  .figure dd{font-size:1.6rem}
}
@page{size:A4;margin:14mm 12mm}
@media print{
  body{background:#fff;font-size:11pt}
  .top{background:#fff;color:#111;border-bottom:2px solid #1d3b6e;padding:0 0 .4rem}
  .top h1{color:#1d3b6e}
  .account,.filters,.banner,.signin,noscript,.note.click{display:none!important}
  main{max-width:none;padding:0}
  .board{display:block}
  .sheet{box-shadow:none;border-radius:0;padding:0;margin:0;break-inside:avoid-page}
  .sheet+.sheet{break-before:page;page-break-before:always}
  .chart,.chart.tall{width:100%;height:120mm}
  .figures{grid-template-columns:repeat(3,minmax(0,1fr))}
  .print-only{display:block;margin:.5rem 0 1rem;color:#334155}
  .screen-only{display:none!important}
  /* Charts are redrawn at the paper's width (beforeprint); should a printer skip that event,
     the drawing is scaled down to the column rather than cut off. */
  .chart>div{max-width:100%!important}
  .chart canvas{max-width:100%!important;height:auto!important}
  table{font-size:9pt}
  th,td{padding:.2rem .4rem}
  thead{display:table-header-group}
  tr{break-inside:avoid}
  .table-wrap{overflow:visible}
  th,td{white-space:normal}
  .drill{break-inside:auto}
}
`.trim() + '\n'
