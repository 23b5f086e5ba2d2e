// The collector's dashboard: asks for the admin token, reads
// GET /v1/results?site=S and draws each task's estimates per window with
// uPlot, every point with its 95% interval as an error bar. Without uPlot
// (npm ci not run) the same numbers still show as tables. In English or
// Japanese (WORDS below).
(function () {
  'use strict';
  var form = document.getElementById('login');
  var out = document.getElementById('results');
  var statusEl = document.getElementById('status');

  // Every word the dashboard writes, in English and Japanese: a string, or a
  // function of the values it takes (already formatted). The data keep their
  // own names (task ids, arms, cell labels: the owner's, from the rules), and
  // the collector's own text (its --label, the error it sends) is shown as sent.
  var WORDS = {
    en: {
      title: 'Omotenashi: measurement results',
      heading: 'Omotenashi results',
      noteBefore: "Aggregates only: each visitor's report was randomized on their device. Every estimate carries a " +
                  '95% interval (the bars); windows are released after they close and once they hold at least ',
      noteAfter: ' reports.',
      languages: 'Language',
      site: 'Site', token: 'Admin token', show: 'Show results',
      loading: 'Loading...',
      wrongToken: 'Wrong token.',
      error: function (status) { return 'Error ' + status; },
      unreachable: function (message) { return 'Cannot reach the collector: ' + message; },
      noUplot: 'Charts need uPlot: run `npm ci` in server/dashboard.',
      summary: function (site, win, k) { return 'Site ' + site + ', current window ' + win + ', k = ' + k + '.'; },
      noResults: function (site) {
        return 'No results for site ' + site + ': the collector holds no reports for it (check the site id).';
      },
      kinds: {},
      task: function (task, kind) { return task + ' (' + kind + ')'; },
      armChart: 'Conversion rate by arm (95% intervals)', cellChart: 'Share by value (95% intervals)',
      conversion: 'conversion', share: 'share', week: 'Week',
      window: function (win) { return win; },
      withDays: function (win, days) { return win + ' (' + days + ')'; },
      tickWidth: 80,   // px a window's name needs under the x axis
      released: function (win, n, eps, d, cfgs) {
        return win + ': ' + n + ' reports, eps ' + eps + ', ' + d + ' cells, rules ' + cfgs;
      },
      withheld: function (win, reason) { return win + ': not released (' + reason + ')'; },
      reasons: {},
      armHeaders: ['arm', 'reports (est.)', 'conversion', '95% interval', 'lift vs holdout', '95% interval'],
      cellHeaders: ['cell', 'count (est.)', 'share', '95% interval'],
      range: function (low, high) { return low + ' to ' + high; },
      points: function (x) { return x + ' pt'; },
      pointsRange: function (low, high) { return low + ' pt to ' + high + ' pt'; },
      noneClear: 'No arm differs clearly from the holdout in this week: every lift interval includes 0.',
      clear: function (arm, verdict, lift, range) {
        return arm + ' converts ' + verdict + ' than the holdout: ' + lift + ' (95% interval ' + range + ').';
      },
      between: ' ',    // between two sentences
    },
    ja: {
      title: 'Omotenashi 計測結果',
      heading: 'Omotenashi 計測結果',
      noteBefore: '集計値のみを表示しています。各訪問者のレポートは、その方の端末上でランダム化されています。' +
                  'すべての推定値に95%信頼区間（グラフの縦棒）を付けています。各週の結果は、その週が終わり、レポートが',
      noteAfter: '件以上集まった時点で公開されます。',
      languages: '表示言語',
      site: 'サイト', token: '管理トークン', show: '結果を表示',
      loading: '読み込んでいます…',
      wrongToken: 'トークンが正しくありません。',
      error: function (status) { return 'エラーが発生しました（' + status + '）。'; },
      unreachable: function (message) { return 'コレクターに接続できません：' + message; },
      noUplot: 'グラフを表示するには uPlot が必要です。server/dashboard で npm ci を実行してください。',
      summary: function (site, win, k) { return 'サイト：' + site + '、現在の週：' + win + '、公開に必要なレポート数（k）：' + k + '件'; },
      noResults: function (site) {
        return 'サイト「' + site + '」の結果はありません。コレクターにはこのサイトのレポートがありません（サイトIDをご確認ください）。';
      },
      kinds: { experiment: '実験', field: 'プロフィール項目', unknown: '種類不明' },
      task: function (task, kind) { return task + '（' + kind + '）'; },
      armChart: 'パターン別のコンバージョン率（95%信頼区間）', cellChart: '値ごとの割合（95%信頼区間）',
      conversion: 'コンバージョン率', share: '割合', week: '週',
      window: function (win) {
        var m = /^(\d{4})-W(\d{2})$/.exec(win);
        return m ? m[1] + '年第' + (+m[2]) + '週' : win;
      },
      withDays: function (win, days) { return win + '（' + days + '）'; },
      tickWidth: 100,
      released: function (win, n, eps, d, cfgs) {
        return win + '：レポート数 ' + n + '件、ε = ' + eps + '、区分数 ' + d + '、ルールのバージョン ' + cfgs;
      },
      withheld: function (win, reason) { return win + '：未公開です（' + reason + '）。'; },
      reasons: { 'window still open': 'この週はまだ終わっていません', 'fewer than k reports': 'レポートがk件に達していません' },
      armHeaders: ['パターン', 'レポート数（推定値）', 'コンバージョン率', '95%信頼区間', 'ホールドアウトとの差', '95%信頼区間'],
      cellHeaders: ['区分', '件数（推定値）', '割合', '95%信頼区間'],
      range: function (low, high) { return low + '～' + high; },
      points: function (x) { return x + 'ポイント'; },
      pointsRange: function (low, high) { return low + '～' + high + 'ポイント'; },
      noneClear: 'この週は、ホールドアウトと明確な差のあるパターンはありません（どのパターンも、差の95%信頼区間に0が含まれています）。',
      clear: function (arm, verdict, lift, range) {
        return 'パターン「' + arm + '」は、ホールドアウトよりコンバージョン率が明確に' + (verdict === 'better' ? '高く' : '低く') +
               'なっています。差は' + lift + '（95%信頼区間：' + range + '）です。';
      },
      between: '',
    },
  };

  // The language: ?lang=en|ja when the owner chose one with the switch (the
  // address keeps it over a reload; nothing is stored), else the first of the
  // browser's languages the dashboard speaks, else English.
  function chosenLanguage() {
    var asked = new URLSearchParams(location.search).get('lang');
    if (WORDS.hasOwnProperty(asked)) return asked;
    var prefs = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || 'en'];
    for (var i = 0; i < prefs.length; i++) {
      var primary = String(prefs[i]).toLowerCase().split('-')[0];
      if (WORDS.hasOwnProperty(primary)) return primary;
    }
    return 'en';
  }
  var lang, T, fmt;
  function number(options) { return new Intl.NumberFormat(lang, options).format; }
  function setLanguage(l) {
    lang = l;
    T = WORDS[l];
    fmt = {
      count: number({ maximumFractionDigits: 0 }),
      count1: number({ minimumFractionDigits: 1, maximumFractionDigits: 1 }),
      plain: number({ maximumFractionDigits: 6 }),
      pct: number({ style: 'percent', minimumFractionDigits: 2, maximumFractionDigits: 2 }),
      pct1: number({ style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }),
      signed: number({ minimumFractionDigits: 2, maximumFractionDigits: 2, signDisplay: 'exceptZero' }),
      // A window's days, Monday to Sunday (UTC, as the collector counts them).
      days: new Intl.DateTimeFormat(l, { month: 'short', day: 'numeric', timeZone: 'UTC' }),
    };
    document.documentElement.lang = l;
    document.title = T.title;
    document.querySelectorAll('[data-t]').forEach(function (e) { e.textContent = T[e.getAttribute('data-t')]; });
    var nav = document.getElementById('lang');
    nav.setAttribute('aria-label', T.languages);
    nav.querySelectorAll('a[data-lang]').forEach(function (a) {
      if (a.getAttribute('data-lang') === l) a.setAttribute('aria-current', 'true'); else a.removeAttribute('aria-current');
    });
    showStatus(statusWords);
    if (shown) render(shown);
  }
  // The switch changes the words in place (the token, only in this page's
  // memory, and the results stay) and puts the choice in the address. A
  // click that opens a new tab is left to the browser: that tab asks for the
  // token again.
  document.getElementById('lang').addEventListener('click', function (e) {
    var a = e.target.closest('a[data-lang]');
    if (!a || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    var params = new URLSearchParams(location.search);
    params.set('lang', a.getAttribute('data-lang'));
    history.replaceState(null, '', location.pathname + '?' + params);
    setLanguage(a.getAttribute('data-lang'));
  });

  // The status line, kept as what to say (a key of WORDS with its values, or
  // the collector's own text) so that the switch can say it again.
  var statusWords = null;
  function showStatus(words) {
    statusWords = words;
    if (!words) statusEl.textContent = '';
    else if (words.text !== undefined) statusEl.textContent = words.text;
    else statusEl.textContent = typeof T[words.key] === 'function' ? T[words.key].apply(null, words.args || []) : T[words.key];
  }
  // Ten colours told apart at a glance (a region task has nine values), then
  // they repeat; "unset" (no value given) is always a neutral grey.
  var COLORS = ['#2457c5', '#d1495b', '#00798c', '#edae49', '#66a182', '#8d5a97', '#c05800', '#e377c2', '#17becf', '#7f6a00'];
  var UNSET_COLOR = '#9aa0a6';

  // A link may carry "#site=S&token=T" (the fragment never reaches a
  // server): it fills the form and is wiped from the address bar, on the
  // first load and when another such link is opened in the same tab (only
  // the fragment changes: no reload, a "hashchange"). The token stays in
  // this page's memory only, never in storage: a shop served from the same
  // origin (--static) could read sessionStorage.
  var savedSite = sessionStorage.getItem('omotenashi.site');
  if (savedSite) document.getElementById('site').value = savedSite;
  // Fills the form from the fragment; true when it carried a token.
  function readLink() {
    if (location.hash.length <= 1) return false;
    var params = new URLSearchParams(location.hash.slice(1));
    var token = params.get('token');
    if (token) document.getElementById('token').value = token;
    if (params.get('site')) document.getElementById('site').value = params.get('site');
    history.replaceState(null, '', location.pathname + location.search);
    return !!token;
  }
  var fromLink = readLink();
  sessionStorage.removeItem('omotenashi.token');  // where earlier versions kept it

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function pct(x) { return fmt.pct(x); }
  function pctRange(low, high) { return T.range(pct(low), pct(high)); }
  function points(x) { return T.points(fmt.signed(100 * x)); }
  function pointsRange(low, high) { return T.pointsRange(fmt.signed(100 * low), fmt.signed(100 * high)); }
  // "2026-W47" as the reader knows it, with its days: "2026-W47 (Nov 16 – 22)",
  // "2026年第47週（11/16～11/22）".
  function windowWithDays(win) {
    var start = weekStart(win);
    if (!start) return T.window(win);
    var days = fmt.days.formatRange(new Date(start * 1000), new Date((start + 6 * 86400) * 1000));
    return T.withDays(T.window(win), days);
  }

  // Seconds since the epoch of the Monday starting ISO week "YYYY-Www".
  function weekStart(win) {
    var m = /^(\d{4})-W(\d{2})$/.exec(win);
    if (!m) return 0;
    var year = +m[1], week = +m[2];
    var jan4 = Date.UTC(year, 0, 4) / 1000;
    var wd = (new Date(jan4 * 1000).getUTCDay() + 6) % 7; // Monday = 0
    return jan4 - wd * 86400 + (week - 1) * 7 * 86400;
  }

  // In words: which arms convert better or worse than the holdout (their 95%
  // lift interval leaves out zero), or that none does yet.
  function verdict(arms) {
    var judged = arms.filter(function (a) { return a.verdict; });
    var clear = judged.filter(function (a) { return a.verdict !== 'unclear'; });
    if (!judged.length) return '';
    if (!clear.length) return T.noneClear;
    return clear.map(function (a) {
      return T.clear(a.arm, a.verdict, points(a.lift), pointsRange(a.liftLow, a.liftHigh));
    }).join(T.between);
  }
  // A table in its own box, which scrolls sideways when the table is wider
  // than the screen (the arms table on a phone) instead of the whole page.
  function table(headers, rows) {
    var box = el('div', { class: 'table-scroll' });
    var t = box.appendChild(el('table'));
    var tr = el('tr');
    headers.forEach(function (h) { tr.appendChild(el('th', null, h)); });
    t.appendChild(tr);
    rows.forEach(function (r) {
      var row = el('tr');
      r.forEach(function (c, i) { row.appendChild(el('td', i > 0 ? { class: 'num' } : null, c)); });
      t.appendChild(row);
    });
    return box;
  }

  // One chart: x = window start, ticks and legend named by the windows
  // ("2026-W47", not hours of a day), one series per name, error bars drawn
  // from lows/highs in a draw hook (uPlot has no built-in error bars; bands
  // need two points, and a task often has one released window).
  function chart(parent, title, wins, series, yLabel) {
    var xs = wins.map(weekStart);
    function winAt(v) { var i = xs.indexOf(v); return i < 0 ? '' : T.window(wins[i]); }
    if (typeof uPlot === 'undefined') {
      parent.appendChild(el('p', { class: 'meta' }, T.noUplot));
      return;
    }
    var data = [xs];
    var opts = {
      title: title,
      width: chartWidth(),
      height: 280,
      scales: {
        // Half a week of margin on both sides, so a single window is not drawn on the edge.
        x: { time: true, range: [Math.min.apply(null, xs) - 4 * 86400, Math.max.apply(null, xs) + 4 * 86400] },
        y: { range: function (u, min, max) {
          var lo = 1, hi = 0;
          series.forEach(function (s) { s.low.forEach(function (v) { if (v != null) lo = Math.min(lo, v); });
                                        s.high.forEach(function (v) { if (v != null) hi = Math.max(hi, v); }); });
          if (hi < lo) { lo = 0; hi = 1; }
          var pad = (hi - lo) * 0.08 || 0.01;
          return [Math.max(0, lo - pad), Math.min(1, hi + pad)];
        } },
      },
      // A label every few windows when they would not fit (tickWidth px each).
      axes: [{ splits: function (u) {
                 var step = Math.ceil(xs.length * T.tickWidth * devicePixelRatio / Math.max(u.bbox.width, 1));
                 return xs.filter(function (x, i) { return i % step === 0; });
               },
               values: function (u, vals) { return vals.map(winAt); } },
             { label: yLabel, size: 70, values: function (u, vals) { return vals.map(fmt.pct1); } }],
      series: [{ label: T.week, value: function (u, v) { return v == null ? '--' : winAt(v); } }],
      hooks: { draw: [function (u) {
        // Each series side by side within its window (a forest plot), so
        // overlapping intervals stay readable, sharing at most 80 % of the
        // space to the next window; dots, bars and the line joining a
        // series' windows are all drawn here.
        var ctx = u.ctx, px = devicePixelRatio, room = Infinity;
        for (var k = 1; k < xs.length; k++) room = Math.min(room, u.valToPos(xs[k], 'x', true) - u.valToPos(xs[k - 1], 'x', true));
        var gap = Math.min(14 * px, 120 * px / series.length, 0.8 * room / series.length);
        ctx.save();
        series.forEach(function (s, si) {
          if (!u.series[si + 1].show) return;
          var dx = (si - (series.length - 1) / 2) * gap;
          ctx.strokeStyle = ctx.fillStyle = s.color;
          ctx.lineWidth = 1.5 * px;
          ctx.beginPath();
          var drawn = false;
          for (var i = 0; i < xs.length; i++) {
            if (s.values[i] == null) continue;
            var x = u.valToPos(xs[i], 'x', true) + dx, y = u.valToPos(s.values[i], 'y', true);
            if (drawn) ctx.lineTo(x, y); else ctx.moveTo(x, y);
            drawn = true;
          }
          ctx.stroke();
          ctx.lineWidth = 2 * px;
          for (var j = 0; j < xs.length; j++) {
            if (s.low[j] == null) continue;
            var bx = u.valToPos(xs[j], 'x', true) + dx;
            var y0 = u.valToPos(s.low[j], 'y', true), y1 = u.valToPos(s.high[j], 'y', true);
            ctx.beginPath();
            ctx.moveTo(bx, y0); ctx.lineTo(bx, y1);
            ctx.moveTo(bx - 4 * px, y0); ctx.lineTo(bx + 4 * px, y0);
            ctx.moveTo(bx - 4 * px, y1); ctx.lineTo(bx + 4 * px, y1);
            ctx.stroke();
            ctx.beginPath();
            ctx.arc(bx, u.valToPos(s.values[j], 'y', true), 4 * px, 0, 2 * Math.PI);
            ctx.fill();
          }
        });
        ctx.restore();
      }] },
    };
    series.forEach(function (s) {
      data.push(s.values);
      opts.series.push({ label: s.name, stroke: s.color, paths: function () { return null; }, points: { show: false },
                         value: function (u, v) { return v == null ? '-' : pct(v); } });
    });
    var box = el('div', { class: 'chart' });
    parent.appendChild(box);
    plots.push(new uPlot(opts, data, box));
  }

  // Charts as wide as the results (at most 940 px), again when the window
  // changes size (a phone turned).
  var plots = [];
  function chartWidth() { return Math.min(940, out.clientWidth || 940); }
  var resizeTimer = 0;
  window.addEventListener('resize', function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () {
      plots.forEach(function (u) { u.setSize({ width: chartWidth(), height: 280 }); });
    }, 100);
  });

  var shown = null;   // the results on the page, drawn again in the other language
  function render(body) {
    clearResults();
    shown = body;
    document.getElementById('k').textContent = fmt.count(body.k);
    // The label (--label) describes the collector's data, whatever the site
    // asked for: shown only above results, not for a site without any.
    if (body.label && (body.tasks || []).length) out.appendChild(el('p', { class: 'label', role: 'status' }, body.label));
    out.appendChild(el('p', { class: 'meta' }, T.summary(body.site, T.window(body.currentWindow), fmt.count(body.k))));
    var byTask = {};
    var order = [];
    (body.tasks || []).forEach(function (t) {
      if (!byTask[t.task]) { byTask[t.task] = []; order.push(t.task); }
      byTask[t.task].push(t);
    });
    if (!order.length) out.appendChild(el('p', { class: 'empty' }, T.noResults(body.site)));
    order.forEach(function (name) {
      var entries = byTask[name].sort(function (a, b) { return a.win < b.win ? -1 : 1; });
      var section = el('section');
      section.appendChild(el('h2', null, T.task(name, T.kinds[entries[0].kind] || entries[0].kind)));
      var released = entries.filter(function (t) { return t.status === 'released'; });
      var withheld = entries.filter(function (t) { return t.status !== 'released'; });
      if (released.length) {
        var experiment = released.some(function (t) { return t.arms && t.arms.length; });
        var names = [];
        released.forEach(function (t) {
          (experiment ? (t.arms || []).map(function (a) { return a.arm; }) : t.cells.map(function (c) { return c.label; }))
            .forEach(function (n) { if (names.indexOf(n) < 0) names.push(n); });
        });
        var colored = 0;
        var series = names.map(function (n) {
          var color = n === 'unset' ? UNSET_COLOR : COLORS[colored++ % COLORS.length];
          var s = { name: n, color: color, values: [], low: [], high: [] };
          released.forEach(function (t) {
            var item = (experiment ? t.arms || [] : t.cells).filter(function (c) { return (c.arm || c.label) === n; })[0];
            s.values.push(item ? (experiment ? item.rate : item.share) : null);
            s.low.push(item ? item.low : null);
            s.high.push(item ? item.high : null);
          });
          return s;
        });
        chart(section, experiment ? T.armChart : T.cellChart,
              released.map(function (t) { return t.win; }), series, experiment ? T.conversion : T.share);
        released.forEach(function (t) {
          section.appendChild(el('p', { class: 'meta' }, T.released(windowWithDays(t.win), fmt.count(t.n), fmt.plain(t.eps),
                                                                  fmt.count(t.d), (t.cfgs || []).join(', '))));
          if (t.arms && t.arms.length) {
            var text = verdict(t.arms);
            if (text) section.appendChild(el('p', { class: 'verdict' }, text));
            section.appendChild(table(T.armHeaders, t.arms.map(function (a) {
              return [a.arm, fmt.count(a.reports), pct(a.rate), pctRange(a.low, a.high),
                      a.lift === undefined ? '' : points(a.lift),
                      a.lift === undefined ? '' : pointsRange(a.liftLow, a.liftHigh)];
            })));
          }
          section.appendChild(table(T.cellHeaders, t.cells.map(function (c) {
            return [c.label, fmt.count1(c.count), pct(c.share), pctRange(c.low, c.high)];
          })));
        });
      }
      withheld.forEach(function (t) {
        section.appendChild(el('p', { class: 'withheld' }, T.withheld(windowWithDays(t.win), T.reasons[t.reason] || t.reason)));
      });
      out.appendChild(section);
    });
  }

  function clearResults() {
    plots.forEach(function (u) { u.destroy(); });
    plots = [];
    out.textContent = '';
    shown = null;
  }

  var loads = 0;
  function load() {
    var site = document.getElementById('site').value.trim();
    var token = document.getElementById('token').value.trim();
    sessionStorage.setItem('omotenashi.site', site);
    showStatus({ key: 'loading' });
    var seq = ++loads;   // a later load (another link, a second click) wins over this one
    fetch('/v1/results?site=' + encodeURIComponent(site), { headers: { Authorization: 'Bearer ' + token }, cache: 'no-store' })
      .then(function (res) {
        return res.json().then(function (body) { return { status: res.status, body: body }; });
      })
      .then(function (r) {
        if (seq !== loads) return;
        if (r.status === 401) { showStatus({ key: 'wrongToken' }); clearResults(); return; }
        // An error (a bad site id, say) clears the results: they were the previous site's.
        if (r.status !== 200) {
          showStatus(r.body && r.body.error ? { text: r.body.error } : { key: 'error', args: [r.status] });
          clearResults();
          return;
        }
        showStatus(null);
        render(r.body);
      })
      .catch(function (e) { if (seq === loads) showStatus({ key: 'unreachable', args: [e.message] }); });
  }

  setLanguage(chosenLanguage());
  form.addEventListener('submit', function (e) { e.preventDefault(); load(); });
  window.addEventListener('hashchange', function () { if (readLink()) load(); });
  if (fromLink) load();
})();
