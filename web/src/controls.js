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
  var WORDS = {
    pending: 'You have not chosen yet. We use only this page (time of day, device) to adapt it, and store nothing.',
    granted: 'Personalization is on. What you do here is remembered on this device only, in its browser storage.',
    denied: 'Personalization is off. Nothing about you is stored; only your choice is remembered.'
  };

  function Controls() { return Reflect.construct(HTMLElement, [], Controls); }
  Controls.prototype = Object.create(HTMLElement.prototype);
  Controls.prototype.constructor = Controls;
  Object.setPrototypeOf(Controls, HTMLElement);
  Controls.prototype.connectedCallback = function () {
    var self = this;
    this._update = function () { self.render(); };
    document.addEventListener('omotenashi:consent', this._update);
    this.render();
  };
  Controls.prototype.disconnectedCallback = function () {
    document.removeEventListener('omotenashi:consent', this._update);
  };
  Controls.prototype.render = function () {
    var api = omo();
    var self = this;
    this.replaceChildren();
    if (!api) { this.appendChild(h('p', 'Personalization is not available on this page.')); return; }
    var state = api.consentState();
    this.setAttribute('data-state', state);
    this.appendChild(h('p', WORDS[state] || '', { 'data-part': 'status' }));
    var bar = h('div', '', { 'data-part': 'buttons' });
    function button(label, part, fn) {
      var b = h('button', label, { type: 'button', 'data-part': part });
      b.addEventListener('click', fn);
      bar.appendChild(b);
      return b;
    }
    if (state !== 'granted') button('Allow personalization', 'allow', function () { api.consent('granted'); });
    if (state !== 'denied') button('No thanks', 'deny', function () { api.consent('denied'); });
    var pre = h('pre', '', { 'data-part': 'data', hidden: '' });
    button('What is stored?', 'show', function () {
      pre.textContent = JSON.stringify(api.exportData(), null, 2);
      pre.hidden = !pre.hidden;
    });
    button('Download my data', 'download', function () {
      var blob = new Blob([JSON.stringify(api.exportData(), null, 2)], { type: 'application/json' });
      var a = h('a', '', { download: 'omotenashi-data.json', href: URL.createObjectURL(blob) });
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(function () { URL.revokeObjectURL(a.href); }, 1000);
    });
    button('Forget me', 'forget', function () {
      api.forget().then(function () {
        self.render();
        self.appendChild(h('p', 'Done: everything stored on this device was erased.', { 'data-part': 'forgotten', role: 'status' }));
      });
    });
    this.appendChild(bar);
    this.appendChild(pre);
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
    var b = h('button', 'Why am I seeing this?', { type: 'button', 'aria-expanded': 'false', 'data-part': 'why' });
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
      if (!p.hidden && api) p.textContent = api.explain(slot);
    };
    document.addEventListener('omotenashi:decision', this._update);
    document.addEventListener('omotenashi:consent', this._update);
    if (omo()) omo().ready.then(this._update);
    this._update();
  };
  Why.prototype.disconnectedCallback = function () {
    document.removeEventListener('omotenashi:decision', this._update);
    document.removeEventListener('omotenashi:consent', this._update);
  };
  customElements.define('omotenashi-why', Why);
})();
