// The dashboard's script, as the browser runs it (served as /dashboard/dashboard.js; a string so
// that it survives the server's bundle as is). It signs the leader in (POST /v1/auth/token, the
// token kept in this tab's sessionStorage only), reads the API with the bearer token and draws
// with ECharts (window.echarts, /dashboard/echarts.min.js). Every value reaches the page as text
// (textContent), never as markup. A 401 from any call sends the leader back to the sign-in form;
// any other refusal shows its problem+json detail, in Chinese.
// Tooltips use ECharts' richText mode (drawn on the canvas): its HTML tooltips carry inline
// style attributes, which the page's CSP (style-src 'self') refuses.
export const DASHBOARD_SCRIPT = String.raw`'use strict';
(function () {
  var TOKEN_KEY = 'registry.dashboard.token';
  var USER_KEY = 'registry.dashboard.user';
  var FONT = '"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",system-ui,sans-serif';
  var COLORS = ['#1d5fa8', '#e08a1e', '#2e9d6a', '#c0392b', '#7c5cbf', '#14919b'];
  var STATUS = { compliant: '已达标', on_track: '进度正常', at_risk: '进度落后', non_compliant: '未达标', not_applicable: '不适用' };
  var PLAN_STATUS = { filed: '已报送', below_minimum: '低于最低学时', missing: '未报送', not_due: '未到报送期限' };
  var GRADES = [['excellent', '优秀'], ['competent', '称职'], ['basicallyCompetent', '基本称职'], ['incompetent', '不称职']];
  var STATUS_TEXT = { 400: '请求有误', 403: '当前账号无权查看', 404: '未找到所需数据', 409: '数据冲突', 429: '请求过于频繁，请稍后再试', 503: '服务暂时不可用，请稍后再试' };
  var MAX_PAGES = 40;

  var $ = function (id) { return document.getElementById(id); };
  var state = { token: null, user: '', year: null, group: 'agency', charts: {}, buckets: [], seq: 0, drillSeq: 0 };
  try { state.token = sessionStorage.getItem(TOKEN_KEY); state.user = sessionStorage.getItem(USER_KEY) || ''; } catch (e) { state.token = null; }

  function SignedOut () { this.message = 'signed out'; }
  function ApiError (status, message) { this.status = status; this.message = message; }

  function setState (s) { document.body.setAttribute('data-state', s); }
  function fmt (n) { return typeof n === 'number' ? n.toLocaleString('zh-CN') : '—'; }
  function hours (n) { return typeof n === 'number' ? (Math.round(n * 10) / 10).toLocaleString('zh-CN') : '—'; }
  function chineseDate (iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || '');
    return m ? m[1] + '年' + Number(m[2]) + '月' + Number(m[3]) + '日' : (iso || '');
  }
  /** The Chinese of a bilingual message ('english / 中文' or '中文 / english'), or ''. */
  function chinese (text) {
    if (typeof text !== 'string') return '';
    return text.split(' / ').filter(function (p) { return /[\u4e00-\u9fff]/.test(p); }).join('；');
  }
  function text (el, value) { el.textContent = value; return el; }
  function make (tag, cls, value) {
    var el = document.createElement(tag);
    if (cls) el.className = cls;
    if (value !== undefined) el.textContent = value;
    return el;
  }

  // ---- the API ---------------------------------------------------------------------------
  /** What a refusal says, in Chinese: what went wrong in general, then the service's detail
   *  (alone when plain, as for a sign-in the form makes clear). */
  async function problemText (res, plain) {
    var body = null;
    try { body = await res.json(); } catch (e) { body = null; }
    var detail = body && (chinese(body.detail) || chinese(body.title));
    var head = STATUS_TEXT[res.status] || (res.status >= 500 ? '服务暂时不可用，请稍后再试' : '请求未能完成');
    if (plain && detail) return detail;
    return detail && detail !== head ? head + '：' + detail : head;
  }

  async function api (path, params) {
    var query = new URLSearchParams();
    Object.keys(params || {}).forEach(function (k) { if (params[k] !== undefined && params[k] !== null && params[k] !== '') query.set(k, String(params[k])); });
    var url = path + (query.toString() ? '?' + query.toString() : '');
    var res;
    try {
      res = await fetch(url, { headers: { authorization: 'Bearer ' + state.token, accept: 'application/json' }, cache: 'no-store', credentials: 'omit' });
    } catch (e) {
      throw new ApiError(0, '无法连接服务器，请检查网络后重试');
    }
    if (res.status === 401) {
      signOut('登录已失效，请重新登录。');
      throw new SignedOut();
    }
    if (!res.ok) throw new ApiError(res.status, await problemText(res));
    return await res.json();
  }

  /** Every page of a paginated list: the first page's other members with all the items. */
  async function every (path, params) {
    var first = null;
    var items = [];
    var cursor = null;
    for (var i = 0; i < MAX_PAGES; i++) {
      var page = await api(path, Object.assign({}, params, { limit: 500, cursor: cursor }));
      if (first === null) first = page;
      items = items.concat(page.items || []);
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    return Object.assign({}, first, { items: items, nextCursor: null });
  }

  // ---- signing in and out ----------------------------------------------------------------
  function show (signedIn) {
    $('signin').hidden = signedIn;
    $('board').hidden = !signedIn;
    $('account').hidden = !signedIn;
    text($('user'), signedIn ? state.user : '');
  }

  function signOut (message) {
    state.token = null;
    state.seq++;
    state.drillSeq++; // a drill still paging stops with the leader signed out
    try { sessionStorage.removeItem(TOKEN_KEY); sessionStorage.removeItem(USER_KEY); } catch (e) { /* private mode */ }
    show(false);
    forget();
    var err = $('signin-error');
    err.hidden = !message;
    text(err, message || '');
    setState('signed-out');
    $('password').value = '';
    $('username').focus();
  }

  /** Nothing of the last leader's figures stays in the page for the next one to see. */
  function forget () {
    Object.keys(state.charts).forEach(function (k) { state.charts[k].clear(); });
    ['compliance-table', 'drill-table', 'staffing-table', 'training-table'].forEach(function (id) { fillTable(id, [], function () { return []; }); });
    document.querySelectorAll('.figure dd').forEach(function (el) { el.textContent = el.classList.contains('figure-note') ? '' : '—'; });
    $('drill').hidden = true;
    showErrors([]);
  }

  async function signIn (event) {
    event.preventDefault();
    var username = $('username').value.trim();
    var password = $('password').value;
    var err = $('signin-error');
    if (!username || !password) { err.hidden = false; text(err, '请输入用户名和密码。'); return; }
    $('signin-button').disabled = true;
    err.hidden = true;
    setState('signing-in');
    try {
      var res = await fetch('/v1/auth/token', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ grant_type: 'password', username: username, password: password }),
        cache: 'no-store',
        credentials: 'omit'
      });
      if (!res.ok) {
        err.hidden = false;
        text(err, await problemText(res, res.status === 400));
        setState('signed-out');
        return;
      }
      var body = await res.json();
      state.token = body.access_token;
      state.user = username;
      try { sessionStorage.setItem(TOKEN_KEY, state.token); sessionStorage.setItem(USER_KEY, username); } catch (e) { /* kept in memory only */ }
      $('password').value = '';
      show(true);
      await start();
    } catch (e) {
      err.hidden = false;
      text(err, '无法连接服务器，请检查网络后重试');
      setState('signed-out');
    } finally {
      $('signin-button').disabled = false;
    }
  }

  // ---- the filters -----------------------------------------------------------------------
  /** The agencies in tree order, each indented under its parent. */
  function fillAreas (agencies) {
    var byParent = {};
    var ids = {};
    agencies.forEach(function (a) { ids[a.id] = true; });
    agencies.forEach(function (a) {
      var p = a.parentId !== null && ids[a.parentId] ? a.parentId : 'root';
      (byParent[p] = byParent[p] || []).push(a);
    });
    var select = $('area');
    var keep = select.value;
    while (select.options.length > 1) select.remove(1);
    (function walk (parent, depth) {
      (byParent[parent] || []).forEach(function (a) {
        var o = document.createElement('option');
        o.value = String(a.id);
        o.textContent = '\u3000'.repeat(depth) + a.name;
        select.appendChild(o);
        if (depth < 8) walk(a.id, depth + 1);
      });
    })('root', 0);
    select.value = keep;
  }

  function fillYears (year) {
    var select = $('year');
    if (select.options.length > 0) { select.value = String(year); return; }
    for (var y = year; y > year - 5; y--) {
      var o = document.createElement('option');
      o.value = String(y);
      o.textContent = y + '年';
      select.appendChild(o);
    }
    select.value = String(year);
  }

  function areaName () {
    var select = $('area');
    var option = select.options[select.selectedIndex];
    return select.value && option ? option.textContent.trim() : '全部（权限范围内）';
  }

  // ---- errors ----------------------------------------------------------------------------
  function showErrors (errors) {
    var banner = $('error');
    var messages = errors.filter(function (e, i) { return errors.indexOf(e) === i; });
    banner.hidden = messages.length === 0;
    text(banner, messages.join(' '));
  }

  // ---- the charts ------------------------------------------------------------------------
  function chart (id) {
    var c = state.charts[id];
    if (!c) {
      c = window.echarts.init($(id), null, { renderer: 'canvas', locale: 'ZH' });
      state.charts[id] = c;
    }
    return c;
  }
  function resizeAll () { Object.keys(state.charts).forEach(function (k) { state.charts[k].resize(); }); }

  var base = {
    textStyle: { fontFamily: FONT },
    color: COLORS,
    animation: false,
    tooltip: { renderMode: 'richText', confine: true }
  };

  /** A horizontal bar chart's height for n categories (per series), within bounds. */
  function barHeight (n, perRow) { return Math.max(240, Math.min(560, n * perRow + 80)); }

  function rateColour (p) { return p === null ? '#94a3b8' : p >= 95 ? '#2e9d6a' : p >= 80 ? '#e0a21e' : '#c0392b'; }

  function drawCompliance (stats, group) {
    state.group = group;
    var rows = stats.items.map(function (b) {
      var r = b.training.complianceRate;
      return { key: b.key, label: b.label, percent: r.percent, numerator: r.numerator, denominator: r.denominator };
    });
    // Ranked, highest first (no rate, no officers to count, last); the slider moves down the list.
    rows.sort(function (a, b) {
      if (a.percent === null || b.percent === null) return (a.percent === null) - (b.percent === null);
      return b.percent - a.percent;
    });
    var el = $('chart-compliance');
    var visible = 16;
    el.style.height = barHeight(Math.min(rows.length, visible), 26) + 'px';
    var c = chart('chart-compliance');
    c.resize();
    c.setOption(Object.assign({}, base, {
      title: rows.length === 0 ? { text: '暂无数据', left: 'center', top: 'middle', textStyle: { color: '#94a3b8', fontSize: 16, fontFamily: FONT } } : undefined,
      grid: { left: 16, right: rows.length > visible ? 56 : 48, top: 28, bottom: 16, containLabel: true },
      tooltip: Object.assign({}, base.tooltip, {
        trigger: 'item',
        formatter: function (p) {
          var d = p.data || {};
          return d.name + '\n学时达标率：' + (d.value === null ? '无应参训人员' : d.value + '%') + '\n达标 ' + fmt(d.numerator) + ' 人 / 应参训 ' + fmt(d.denominator) + ' 人';
        }
      }),
      xAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' }, splitLine: { lineStyle: { color: '#e5e7eb' } } },
      yAxis: {
        type: 'category', inverse: true, triggerEvent: true,
        data: rows.map(function (r) { return r.label; }),
        axisLabel: { width: 210, overflow: 'truncate', color: '#334155' },
        axisTick: { show: false }
      },
      dataZoom: rows.length > visible
        ? [{ type: 'slider', yAxisIndex: 0, startValue: 0, endValue: visible - 1, right: 8, width: 16, showDetail: false, brushSelect: false, zoomLock: true }]
        : [],
      series: [{
        name: '学时达标率',
        type: 'bar',
        barMaxWidth: 18,
        showBackground: true,
        backgroundStyle: { color: '#f1f5f9' },
        label: { show: true, position: 'right', formatter: function (p) { return p.value === null || p.value === undefined ? '' : p.value + '%'; }, color: '#334155' },
        data: rows.map(function (r) {
          return { value: r.percent, name: r.label, key: r.key, numerator: r.numerator, denominator: r.denominator, itemStyle: { color: rateColour(r.percent) } };
        })
      }]
    }), { notMerge: true });
    state.buckets = rows;
    fillTable('compliance-table', rows, function (r) {
      return [[r.label, 'name'], [fmt(r.denominator), 'num'], [fmt(r.numerator), 'num'], [r.percent === null ? '—' : r.percent + '%', 'num']];
    });
  }

  function drawCertificates (stats) {
    var months = stats.certificatesByMonth || [];
    var c = chart('chart-certificates');
    c.setOption(Object.assign({}, base, {
      grid: { left: 16, right: 24, top: 48, bottom: 16, containLabel: true },
      legend: { top: 4, data: ['即将到期', '待收回'] },
      tooltip: Object.assign({}, base.tooltip, { trigger: 'axis' }),
      xAxis: { type: 'category', boundaryGap: false, data: months.map(function (m) { return Number(m.month.slice(5, 7)) + '月'; }) },
      yAxis: { type: 'value', minInterval: 1, name: '张', nameTextStyle: { align: 'right' }, splitLine: { lineStyle: { color: '#e5e7eb' } } },
      series: [
        { name: '即将到期', type: 'line', smooth: false, symbolSize: 7, data: months.map(function (m) { return m.expiring; }) },
        { name: '待收回', type: 'line', smooth: false, symbolSize: 7, data: months.map(function (m) { return m.awaitingRecall; }) }
      ]
    }), { notMerge: true });
  }

  function drawTraining (plans) {
    var rows = plans.items;
    var visible = 12;
    $('chart-training').style.height = barHeight(Math.min(rows.length, visible), 36) + 'px';
    var c = chart('chart-training');
    c.resize();
    c.setOption(Object.assign({}, base, {
      title: rows.length === 0 ? { text: '暂无数据', left: 'center', top: 'middle', textStyle: { color: '#94a3b8', fontSize: 16, fontFamily: FONT } } : undefined,
      legend: { top: 4, data: ['计划学时', '已完成学时'] },
      grid: { left: 16, right: rows.length > visible ? 56 : 40, top: 40, bottom: 16, containLabel: true },
      tooltip: Object.assign({}, base.tooltip, { trigger: 'axis', axisPointer: { type: 'shadow' } }),
      xAxis: { type: 'value', splitLine: { lineStyle: { color: '#e5e7eb' } } },
      yAxis: { type: 'category', inverse: true, data: rows.map(function (r) { return r.agencyName; }), axisLabel: { width: 210, overflow: 'truncate', color: '#334155' }, axisTick: { show: false } },
      dataZoom: rows.length > visible
        ? [{ type: 'slider', yAxisIndex: 0, startValue: 0, endValue: visible - 1, right: 8, width: 16, showDetail: false, brushSelect: false, zoomLock: true }]
        : [],
      series: [
        { name: '计划学时', type: 'bar', barMaxWidth: 12, data: rows.map(function (r) { return r.plan ? r.plan.totalHours : null; }) },
        { name: '已完成学时', type: 'bar', barMaxWidth: 12, data: rows.map(function (r) { return r.delivered.totalHours; }) }
      ]
    }), { notMerge: true });
    fillTable('training-table', rows, function (r) {
      return [[r.agencyName, 'name'], [PLAN_STATUS[r.planStatus] || r.planStatus], [r.plan ? hours(r.plan.totalHours) : '—', 'num'], [hours(r.delivered.totalHours), 'num']];
    });
  }

  function gradesTotal (stats) {
    var a = stats.total.assessments;
    return GRADES.reduce(function (s, g) { return s + (a[g[0]] || 0); }, 0);
  }

  // stats: the year's, or (the year's 年度考核 not recorded yet, as all year until it is done)
  // the year before's, said in the chart's title.
  function drawGrades (stats, selectedYear) {
    var a = stats.total.assessments;
    var data = GRADES.map(function (g) { return { name: g[1], value: a[g[0]] || 0 }; });
    var total = data.reduce(function (s, d) { return s + d.value; }, 0);
    var earlier = stats.year !== selectedYear;
    var c = chart('chart-grades');
    c.setOption(Object.assign({}, base, {
      color: ['#2e9d6a', '#1d5fa8', '#e0a21e', '#c0392b'],
      title: total === 0
        ? { text: '暂无该年度考核结果', left: 'center', top: 'middle', textStyle: { color: '#94a3b8', fontSize: 16, fontFamily: FONT } }
        : earlier ? { text: stats.year + '年度考核结果（' + selectedYear + '年度尚未登记）', left: 'center', top: 0, textStyle: { color: '#64748b', fontSize: 13, fontWeight: 'normal', fontFamily: FONT } } : undefined,
      legend: { bottom: 0, data: data.map(function (d) { return d.name; }) },
      tooltip: Object.assign({}, base.tooltip, { trigger: 'item', formatter: '{b}：{c} 人（{d}%）' }),
      series: [{
        name: '年度考核等次', type: 'pie', radius: earlier ? ['32%', '58%'] : ['38%', '66%'], center: earlier ? ['50%', '54%'] : ['50%', '46%'],
        avoidLabelOverlap: true,
        stillShowZeroSum: false,
        label: { show: total > 0, formatter: '{b}\n{c} 人（{d}%）', color: '#334155' },
        labelLine: { show: total > 0 },
        data: data
      }]
    }), { notMerge: true });
  }

  // ---- the tables and figures ------------------------------------------------------------
  function fillTable (id, rows, cells) {
    var body = $(id).tBodies[0];
    while (body.firstChild) body.removeChild(body.firstChild);
    rows.forEach(function (row) {
      var tr = document.createElement('tr');
      cells(row).forEach(function (c) {
        var td = make('td', c[1] || '');
        if (typeof c[0] === 'string') td.textContent = c[0]; else td.appendChild(c[0]);
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
  }

  function drawStaffing (staffing) {
    var short = staffing.items.filter(function (r) { return !r.compliant; });
    $('staffing-empty').hidden = short.length > 0;
    $('staffing-table').parentNode.hidden = short.length === 0;
    fillTable('staffing-table', short, function (r) {
      return [[r.agencyName || ('主体 ' + r.agencyId), 'name'], [fmt(r.officers), 'num'], [fmt(r.reviewers), 'num'], [fmt(r.required), 'num'], [fmt(r.shortfall), 'num short']];
    });
  }

  function figure (id, value, note, level) {
    text($(id), value);
    text($(id + '-note'), note);
    $(id).parentNode.className = 'figure' + (level ? ' ' + level : '');
  }

  function drawFigures (stats, plans) {
    var t = stats ? stats.total : null;
    if (t) {
      var rate = t.training.complianceRate;
      figure('fig-officers', fmt(t.officers.active), '其中法制审核人员 ' + fmt(t.officers.legalReviewers) + ' 人');
      figure('fig-compliance', rate.percent === null ? '—' : rate.percent + '%', '达标 ' + fmt(rate.numerator) + ' 人 / 应参训 ' + fmt(rate.denominator) + ' 人',
        rate.percent === null ? '' : rate.percent < 80 ? 'bad' : rate.percent < 95 ? 'warn' : '');
      figure('fig-certificates', fmt(t.certificates.live), '待收回 ' + fmt(t.certificates.awaitingRecall) + ' 张');
      figure('fig-shortfall', fmt(t.staffing.shortfallAgencies), '共 ' + fmt(t.staffing.agencies) + ' 个主体，缺 ' + fmt(t.staffing.reviewersShort) + ' 人', t.staffing.shortfallAgencies > 0 ? 'bad' : '');
    }
    if (plans) {
      var due = plans.items.filter(function (r) { return r.planStatus !== 'not_due'; });
      var missing = due.filter(function (r) { return r.planStatus === 'missing'; }).length;
      figure('fig-plans', fmt(missing), fmt(due.length) + ' 个应报送' + (plans.planDue ? '，截止' + chineseDate(plans.planDue).replace(/^\d+年/, '') : ''), missing > 0 ? 'warn' : '');
    }
  }

  // ---- loading ---------------------------------------------------------------------------
  async function attempt (work, errors) {
    try { return await work(); } catch (e) {
      if (e instanceof SignedOut) throw e;
      errors.push(e instanceof ApiError ? e.message : '页面出错：' + (e && e.message ? e.message : String(e)));
      return null;
    }
  }

  async function load (earlier) {
    var seq = ++state.seq;
    setState('loading');
    $('drill').hidden = true;
    var area = $('area').value;
    var group = $('group').value;
    var errors = Array.isArray(earlier) ? earlier.slice() : [];
    try {
      var stats = await attempt(function () { return every('/v1/reports/statistics', { year: state.year, groupBy: group, agencyId: area }); }, errors);
      if (seq !== state.seq) return;
      if (stats && state.year === null) { state.year = stats.year; fillYears(stats.year); }
      var results = await Promise.all([
        attempt(function () { return every('/v1/reports/staffing', { agencyId: area }); }, errors),
        attempt(function () { return every('/v1/reports/training-plans', { year: state.year, agencyId: area }); }, errors)
      ]);
      if (seq !== state.seq) return;
      var staffing = results[0];
      var plans = results[1];
      if (stats) {
        drawCompliance(stats, group);
        drawCertificates(stats);
        var graded = stats;
        if (gradesTotal(stats) === 0) {
          var before = await attempt(function () { return api('/v1/reports/statistics', { year: stats.year - 1, groupBy: 'level', agencyId: area, limit: 1 }); }, errors);
          if (seq !== state.seq) return;
          if (before && gradesTotal(before) > 0) graded = before;
        }
        drawGrades(graded, stats.year);
        text($('asof'), '统计截至 ' + chineseDate(stats.asOf) + (stats.ruleVersion ? ' · 学时规则 ' + stats.ruleVersion : ''));
      }
      drawFigures(stats, plans);
      if (staffing) drawStaffing(staffing);
      if (plans) drawTraining(plans);
      text($('print-caption'), areaName() + ' · ' + (state.year || '') + '年度' + (stats ? ' · 统计截至 ' + chineseDate(stats.asOf) : ''));
      showErrors(errors);
      setState(errors.length ? 'ready-with-errors' : 'ready');
    } catch (e) {
      if (!(e instanceof SignedOut)) throw e;
    }
  }

  async function drill (key, name) {
    var seq = ++state.drillSeq;
    var box = $('drill');
    box.hidden = false;
    if (state.group !== 'agency' || !/^\d+$/.test(String(key))) {
      text($('drill-title'), name + '：按区县统计时不能查看人员明细，请将统计口径切换为“按执法主体”，或在“地区”中选择该区县。');
      fillTable('drill-table', [], function () { return []; });
      return;
    }
    text($('drill-title'), name + ' · 执法人员学时明细（加载中…）');
    setState('drilling');
    try {
      var page = await every('/v1/reports/training-compliance', { agencyId: key, year: state.year });
      if (seq !== state.drillSeq) return;
      // The report is of the agency and every one below it; the bar clicked counts its own officers.
      var own = page.items.filter(function (r) { return String(r.agencyId) === String(key); });
      var done = own.filter(function (r) { return r.status === 'compliant'; }).length;
      text($('drill-title'), name + ' · ' + page.year + '年度执法人员学时明细（共 ' + fmt(own.length) + ' 人，已达标 ' + fmt(done) + ' 人）');
      fillTable('drill-table', own, function (r) {
        return [[r.name, 'name'], [r.employeeNo || '—'], [hours(r.publicLawHours), 'num'], [hours(r.professionalHours), 'num'], [make('span', 'status ' + r.status, STATUS[r.status] || r.status)]];
      });
      setState('drilled');
      box.scrollIntoView({ block: 'nearest' });
    } catch (e) {
      if (e instanceof SignedOut) return;
      text($('drill-title'), name + ' · 执法人员学时明细');
      showErrors([e instanceof ApiError ? e.message : '页面出错']);
      setState('drilled');
    }
  }

  async function start () {
    setState('loading');
    var errors = [];
    try {
      var agencies = await attempt(function () { return every('/v1/agencies', { status: 'active' }); }, errors);
      if (agencies) fillAreas(agencies.items);
    } catch (e) {
      return; // signed out
    }
    await load(errors);
  }

  // ---- wiring ----------------------------------------------------------------------------
  function init () {
    if (!window.echarts) { showErrors(['图表组件未能加载，请刷新页面。']); }
    $('signin-form').addEventListener('submit', signIn);
    $('signout').addEventListener('click', function () { signOut(''); });
    $('print').addEventListener('click', function () { window.print(); });
    $('year').addEventListener('change', function () { state.year = Number($('year').value); load(); });
    $('area').addEventListener('change', function () { load(); });
    $('group').addEventListener('change', function () { load(); });
    chart('chart-compliance').on('click', function (p) {
      if (p.componentType === 'series' && p.data) { drill(p.data.key, p.data.name); return; }
      if (p.componentType === 'yAxis') {
        var row = state.buckets.filter(function (r) { return r.label === p.value; })[0];
        if (row) drill(row.key, row.label);
      }
    });
    window.addEventListener('resize', resizeAll);
    window.addEventListener('beforeprint', resizeAll);
    window.addEventListener('afterprint', resizeAll);
    if (window.matchMedia) window.matchMedia('print').addEventListener('change', resizeAll);
    if (state.token) { show(true); start(); } else { signOut(''); }
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init); else init();
})();
`
