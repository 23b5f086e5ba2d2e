// Visitor controls: a drop-in component over window.omotenashi, text only
// (every string reaches the page through textContent). Load it after
// omotenashi.js:
//   <script src="/omotenashi/omotenashi-controls.js" defer></script>
//   <omotenashi-controls></omotenashi-controls>          consent, what is stored, download, forget me
//   <omotenashi-why slot="greeting"></omotenashi-why>   "Why am I seeing this?" beside a slot
(function () {
  if (typeof customElements === 'undefined' || customElements.get('omotenashi-controls')) return;
  function omo() { return window.omotenashi; }
  function h(tag, text, attrs) {
    var el = document.createElement(tag);
    if (text) el.textContent = text;
    if (attrs) Object.keys(attrs).forEach(function (k) { el.setAttribute(k, attrs[k]); });
    return el;
  }
  // The controls speak the page's language as the runtime gives it to the
  // engine (<html lang>, else the browser's): Japanese or English.
  var TEXT = {
    en: {
      pending: 'You have not chosen yet. We use only this page (time of day, device) to adapt it, and store nothing.',
      granted: 'Personalization is on. What you do here is remembered on this device only, in its browser storage.',
      denied: 'Personalization is off. Nothing about you is stored; only your choice is remembered.',
      allow: 'Allow personalization', deny: 'No thanks', show: 'What is stored?', download: 'Download my data',
      forget: 'Forget me', forgotten: 'Done: everything stored on this device was erased.',
      unavailable: 'Personalization is not available on this page.', why: 'Why am I seeing this?',
      nothing: 'Nothing is stored on this device.', told: 'What you told us', viewed: 'Products you looked at',
      cart: 'In your cart', bought: 'What you bought', visits: 'Visits', first: 'the first on ',
      tests: 'Tests you take part in', reports: 'Answers waiting to be sent', randomized: ' (randomized on this device; no profile value in them)',
      json: 'Everything, exactly as stored (JSON)', sep: ', ', locale: 'en'
    },
    ja: {
      pending: 'まだ選択されていません。このページの情報（時間帯や端末）だけで表示を調整し、何も保存しません。',
      granted: 'パーソナライズはオンです。このサイトでの操作は、この端末のブラウザーの中だけに記録されます。',
      denied: 'パーソナライズはオフです。お客様についての情報は何も保存せず、この選択だけを記録しています。',
      allow: 'パーソナライズを許可する', deny: '許可しない', show: '保存されている内容', download: 'データをダウンロード',
      forget: 'すべて消去する', forgotten: '完了しました：この端末に保存されていた情報はすべて消去されました。',
      unavailable: 'このページではパーソナライズを利用できません。', why: 'なぜこれが表示されているの？',
      nothing: 'この端末には何も保存されていません。', told: 'お客様から伺ったこと', viewed: 'ご覧になった商品',
      cart: 'カートの中', bought: 'ご購入', visits: 'ご来店', first: '初回 ',
      tests: '参加しているテスト', reports: '送信待ちの回答', randomized: '件（この端末でランダム化済み。プロフィールの値は含みません）',
      json: '保存されているすべて（JSON、保存されたとおり）', sep: '、', locale: 'ja-JP'
    }
  };
  function words() { return /^ja([-_]|$)/i.test((document.documentElement.lang || '').trim() || navigator.language) ? TEXT.ja : TEXT.en; }
  // A page that switches its language in place (<html lang> changes) gets
  // the controls in the new language. In a later task: the runtime's own
  // observer (registered after this one) must first give the engine the new
  // language, or explain() still answers in the old one.
  var LANG_EVENT = 'omotenashi-controls:lang';
  // Dispatched by omotenashi.js once window.omotenashi exists.
  var RUNTIME_EVENT = 'omotenashi-controls:runtime';
  if (typeof MutationObserver !== 'undefined') {
    new MutationObserver(function () { setTimeout(function () { document.dispatchEvent(new Event(LANG_EVENT)); }, 0); })
      .observe(document.documentElement, { attributes: true, attributeFilter: ['lang'] });
  }

  // "What is stored?": the profile in words, then exactly as stored.
  function stored(data, w) {
    var p = data.profile && data.profile.profile;
    var json = h('details', '', { 'data-part': 'json' });
    json.appendChild(h('summary', w.json));
    json.appendChild(h('pre', JSON.stringify(data, null, 2)));
    if (!p) return [h('p', w.nothing, { 'data-part': 'summary' }), json];
    var b = p.behavior || {};
    function date(t) { return new Date(t).toLocaleDateString(w.locale); }
    function list(o, f) { return Object.keys(o || {}).map(function (k) { return f(k, o[k]); }).filter(Boolean).join(w.sep) || '—'; }
    var dl = h('dl', '', { 'data-part': 'summary' });
    [[w.told, list(p.fields, function (k, v) { return k + ': ' + v; })],
     [w.viewed, list(b.products, function (k, v) { return k + ' (' + (v.v ? v.v + '×, ' : '') + Math.round(v.d) + ' s)'; })],
     [w.cart, list(b.cart, function (k, v) { return k + ' × ' + v; })],
     [w.bought, list(b.purchases, function (k, v) { return v.sku + ' (' + date(v.t) + ')'; })],
     [w.visits, b.visits ? b.visits + ' (' + w.first + date(b.firstVisit) + ')' : '—'],
     [w.tests, list(p.experiments, function (k, v) { return v >= 0 && k; })],   // arm index, -1: not in it
     [w.reports, ((p.measure || {}).pending || []).length + w.randomized]
    ].forEach(function (r) { dl.appendChild(h('dt', r[0])); dl.appendChild(h('dd', r[1])); });
    return [dl, json];
  }

  function Controls() { return Reflect.construct(HTMLElement, [], Controls); }
  Controls.prototype = Object.create(HTMLElement.prototype);
  Controls.prototype.constructor = Controls;
  Object.setPrototypeOf(Controls, HTMLElement);
  Controls.prototype.connectedCallback = function () {
    var self = this;
    this._update = function () { self.render(); };
    document.addEventListener('omotenashi:consent', this._update);
    document.addEventListener(LANG_EVENT, this._update);
    this.render();
  };
  Controls.prototype.disconnectedCallback = function () {
    document.removeEventListener('omotenashi:consent', this._update);
    document.removeEventListener(RUNTIME_EVENT, this._update);
    document.removeEventListener(LANG_EVENT, this._update);
  };
  Controls.prototype.render = function () {
    var api = omo();
    var self = this;
    var w = words();
    // A render replaces the buttons: the one in focus (the visitor's choice,
    // made with the keyboard) would leave the focus on <body>.
    var active = document.activeElement;
    var focused = active && this.contains(active) ? active.getAttribute('data-part') || 'status' : '';
    this.replaceChildren();
    if (!api) {
      // The runtime may come later (loaded async or by a tag manager): it
      // announces itself, and these controls render again.
      this.appendChild(h('p', w.unavailable));
      document.addEventListener(RUNTIME_EVENT, this._update, { once: true });
      return;
    }
    var state = api.consentState();
    this.setAttribute('data-state', state);
    this.appendChild(h('p', w[state] || '', { 'data-part': 'status' }));
    var bar = h('div', '', { 'data-part': 'buttons' });
    function button(label, part, fn) {
      var b = h('button', label, { type: 'button', 'data-part': part });
      b.addEventListener('click', fn);
      bar.appendChild(b);
      return b;
    }
    if (state !== 'granted') button(w.allow, 'allow', function () { api.consent('granted'); });
    if (state !== 'denied') button(w.deny, 'deny', function () { api.consent('denied'); });
    var box = h('div', '', { 'data-part': 'data', hidden: '' });
    button(w.show, 'show', function () {
      box.replaceChildren.apply(box, stored(api.exportData(), w));
      box.hidden = !box.hidden;
    });
    button(w.download, 'download', function () {
      var blob = new Blob([JSON.stringify(api.exportData(), null, 2)], { type: 'application/json' });
      var a = h('a', '', { download: 'omotenashi-data.json', href: URL.createObjectURL(blob) });
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(function () { URL.revokeObjectURL(a.href); }, 1000);
    });
    button(w.forget, 'forget', function () {
      api.forget().then(function () {
        self.render();
        self.appendChild(h('p', w.forgotten, { 'data-part': 'forgotten', role: 'status' }));
      });
    });
    this.appendChild(bar);
    this.appendChild(box);
    // The same button if it is still there, else the new state, in words.
    if (focused) {
      var again = this.querySelector('[data-part="' + focused + '"]:not([hidden])') || this.querySelector('[data-part=status]');
      if (again.tagName !== 'BUTTON') again.tabIndex = -1;
      again.focus();
    }
  };
  customElements.define('omotenashi-controls', Controls);

  // "Why am I seeing this?": shown only while the slot is personalized.
  function Why() { return Reflect.construct(HTMLElement, [], Why); }
  Why.prototype = Object.create(HTMLElement.prototype);
  Why.prototype.constructor = Why;
  Object.setPrototypeOf(Why, HTMLElement);
  Why.prototype.connectedCallback = function () {
    var self = this;
    var slot = this.getAttribute('slot-name') || this.getAttribute('for') || this.getAttribute('slot');
    this.replaceChildren();
    var b = h('button', words().why, { type: 'button', 'aria-expanded': 'false', 'data-part': 'why' });
    var p = h('p', '', { 'data-part': 'explanation', hidden: '' });
    b.addEventListener('click', function () {
      var api = omo();
      p.textContent = api ? api.explain(slot) : '';
      p.hidden = !p.hidden;
      b.setAttribute('aria-expanded', String(!p.hidden));
    });
    this.appendChild(b);
    this.appendChild(p);
    this._update = function () {
      var api = omo();
      var d = api && api.decide(slot);
      self.hidden = !(d && d.variant !== 'default');
      var why = b.textContent = words().why;
      // Named after what it explains: a page with several of them read the
      // same "Why am I seeing this?" for each to a screen reader.
      var el = document.querySelector('[data-omo-slot="' + CSS.escape(slot) + '"]');
      var what = el && el.textContent.trim().slice(0, 80);
      if (what) b.setAttribute('aria-label', why + ' — ' + what); else b.removeAttribute('aria-label');
      if (!p.hidden && api) p.textContent = api.explain(slot);
    };
    document.addEventListener('omotenashi:decision', this._update);
    document.addEventListener('omotenashi:consent', this._update);
    document.addEventListener(LANG_EVENT, this._update);
    if (omo()) omo().ready.then(this._update);
    this._update();
  };
  Why.prototype.disconnectedCallback = function () {
    document.removeEventListener('omotenashi:decision', this._update);
    document.removeEventListener('omotenashi:consent', this._update);
    document.removeEventListener(LANG_EVENT, this._update);
  };
  customElements.define('omotenashi-why', Why);
})();
