// The collector's dashboard: asks for the admin token, reads
// GET /v1/results?site=S and draws each task's estimates per window with
// uPlot, every point with its 95% interval as an error bar. Without uPlot
// (npm ci not run) the same numbers still show as tables.
(function () {
  'use strict';
  var form = document.getElementById('login');
  var out = document.getElementById('results');
  var statusEl = document.getElementById('status');
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
  function pct(x) { return (100 * x).toFixed(2) + '%'; }
  function signedPct(x) { return (x >= 0 ? '+' : '') + (100 * x).toFixed(2) + ' pt'; }

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
    if (!clear.length) return 'No arm differs clearly from the holdout in this week: every lift interval includes 0.';
    return clear.map(function (a) {
      return a.arm + ' converts ' + a.verdict + ' than the holdout: ' + signedPct(a.lift) + ' (95% interval ' +
             signedPct(a.liftLow) + ' to ' + signedPct(a.liftHigh) + ').';
    }).join(' ');
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
    function winAt(v) { var i = xs.indexOf(v); return i < 0 ? '' : wins[i]; }
    if (typeof uPlot === 'undefined') {
      parent.appendChild(el('p', { class: 'meta' }, 'Charts need uPlot: run `npm ci` in server/dashboard.'));
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
      // A label every few windows when they would not fit (about 80 px each).
      axes: [{ splits: function (u) {
                 var step = Math.ceil(xs.length * 80 * devicePixelRatio / Math.max(u.bbox.width, 1));
                 return xs.filter(function (x, i) { return i % step === 0; });
               },
               values: function (u, vals) { return vals.map(winAt); } },
             { label: yLabel, size: 70, values: function (u, vals) { return vals.map(function (v) { return (100 * v).toFixed(1) + '%'; }); } }],
      series: [{ label: 'Week', value: function (u, v) { return v == null ? '--' : winAt(v); } }],
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

  function render(body) {
    clearResults();
    document.getElementById('k').textContent = body.k;
    // The label (--label) describes the collector's data, whatever the site
    // asked for: shown only above results, not for a site without any.
    if (body.label && (body.tasks || []).length) out.appendChild(el('p', { class: 'label', role: 'status' }, body.label));
    out.appendChild(el('p', { class: 'meta' }, 'Site ' + body.site + ', current window ' + body.currentWindow +
                                             ', k = ' + body.k + '.'));
    var byTask = {};
    var order = [];
    (body.tasks || []).forEach(function (t) {
      if (!byTask[t.task]) { byTask[t.task] = []; order.push(t.task); }
      byTask[t.task].push(t);
    });
    if (!order.length) out.appendChild(el('p', { class: 'empty' }, 'No results for site ' + body.site +
                                                        ': the collector holds no reports for it (check the site id).'));
    order.forEach(function (name) {
      var entries = byTask[name].sort(function (a, b) { return a.win < b.win ? -1 : 1; });
      var section = el('section');
      section.appendChild(el('h2', null, name + ' (' + entries[0].kind + ')'));
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
        chart(section, experiment ? 'Conversion rate by arm (95% intervals)' : 'Share by value (95% intervals)',
              released.map(function (t) { return t.win; }), series, experiment ? 'conversion' : 'share');
        released.forEach(function (t) {
          section.appendChild(el('p', { class: 'meta' }, t.win + ': ' + t.n + ' reports, eps ' + t.eps + ', ' + t.d +
                                                       ' cells, rules ' + (t.cfgs || []).join(', ')));
          if (t.arms && t.arms.length) {
            var text = verdict(t.arms);
            if (text) section.appendChild(el('p', { class: 'verdict' }, text));
            section.appendChild(table(['arm', 'reports (est.)', 'conversion', '95% interval', 'lift vs holdout', '95% interval'],
              t.arms.map(function (a) {
                return [a.arm, Math.round(a.reports).toString(), pct(a.rate), pct(a.low) + ' to ' + pct(a.high),
                        a.lift === undefined ? '' : signedPct(a.lift),
                        a.lift === undefined ? '' : signedPct(a.liftLow) + ' to ' + signedPct(a.liftHigh)];
              })));
          }
          section.appendChild(table(['cell', 'count (est.)', 'share', '95% interval'], t.cells.map(function (c) {
            return [c.label, c.count.toFixed(1), pct(c.share), pct(c.low) + ' to ' + pct(c.high)];
          })));
        });
      }
      withheld.forEach(function (t) {
        section.appendChild(el('p', { class: 'withheld' }, t.win + ': not released (' + t.reason + ')'));
      });
      out.appendChild(section);
    });
  }

  function clearResults() {
    plots.forEach(function (u) { u.destroy(); });
    plots = [];
    out.textContent = '';
  }

  var loads = 0;
  function load() {
    var site = document.getElementById('site').value.trim();
    var token = document.getElementById('token').value.trim();
    sessionStorage.setItem('omotenashi.site', site);
    statusEl.textContent = 'Loading...';
    var seq = ++loads;   // a later load (another link, a second click) wins over this one
    fetch('/v1/results?site=' + encodeURIComponent(site), { headers: { Authorization: 'Bearer ' + token }, cache: 'no-store' })
      .then(function (res) {
        return res.json().then(function (body) { return { status: res.status, body: body }; });
      })
      .then(function (r) {
        if (seq !== loads) return;
        if (r.status === 401) { statusEl.textContent = 'Wrong token.'; clearResults(); return; }
        // An error (a bad site id, say) clears the results: they were the previous site's.
        if (r.status !== 200) { statusEl.textContent = (r.body && r.body.error) || ('Error ' + r.status); clearResults(); return; }
        statusEl.textContent = '';
        render(r.body);
      })
      .catch(function (e) { if (seq === loads) statusEl.textContent = 'Cannot reach the collector: ' + e.message; });
  }

  form.addEventListener('submit', function (e) { e.preventDefault(); load(); });
  window.addEventListener('hashchange', function () { if (readLink()) load(); });
  if (fromLink) load();
})();
