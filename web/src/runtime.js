// Omotenashi's browser runtime: loads the engine, gathers signals, paints
// slots, keeps the consented profile in IndexedDB (through the module's IDBFS
// store, see store.post.js) and sends the engine's randomized reports.
//
// This file is concatenated after Emscripten's generated glue (which defines
// the factory `OmotenashiWasm`) and before a small boot file (classic.js for
// the script tag, module.js for the ES module). It is not run through
// Closure: property names here are the public API and the engine's JSON.
//
// Rules of the road:
// - Text reaches the page through textContent only; images only from the
//   decision, which the engine takes from the rules, and only http(s) URLs.
// - Any failure leaves (or puts back) the element's own content.
// - Nothing touches storage (IndexedDB, localStorage, sessionStorage,
//   cookies) and nothing is sent unless consent is granted. The only
//   exception: the visitor's own choice (granted/denied) is remembered in
//   localStorage under CHOICE_KEY (docs/privacy.md).

/* global OmotenashiWasm */
var OMO_VERSION = '0.1.0';
var CHOICE_KEY = 'omotenashi.consent';
var DB_NAME = '/omotenashi';             // the IDBFS mount point names the database
var HIDE_CSS = '[data-omo-slot]:not([data-omo-painted]){visibility:hidden!important}';
var HIDE_TIMEOUT_MS = 400;               // failsafe: defaults show after this
var TICK_MS = 1000;                      // dwell accounting
var REDECIDE_EVERY = 5;                  // ticks: time-based conditions (cartIdleSeconds)
var DWELL_FLUSH_S = 2;                   // a dwell signal every 2 visible seconds
var SAVE_DEBOUNCE_MS = 250;
var NEWER_SCHEMA = 'profile from a newer version';   // engine's Profile::kNewerSchema
var LOG_MAX = 200;                       // signals replayed after a profile reload (< engine's 256 ids)
var PENDING_MAX = 1000;                  // signals kept from before the engine is ready

function omoCreate(factory, wasmUrl) {
  var api = {};
  var listeners = { decision: [], consent: [], error: [] };
  var engine = null;          // the Embind Engine (one per page), null until ready or after a failure
  var store = null;           // Module.store (store.post.js) while this page persists
  var storeModule = null;     // Module.store, kept when persistence is off (to erase)
  var erasures = 0;           // erase() calls so far: a read from before one is stale
  var rulesDoc = null;        // parsed rules (for the profile schema)
  var config = null;
  var state = readChoice();   // 'granted' | 'denied' | 'pending'
  var reportsAllowedByCmp = true;
  var isReady = false;
  var pending = [];           // signals recorded before the engine was ready
  var log = [];               // signals applied on this page: replayed after a reload of the profile
  var painted = new WeakMap();    // element -> key of what is painted
  var originals = new WeakMap();  // element -> its own content (the default)
  // Maps keyed by names from the rules, the page or the site's code have no
  // prototype: a slot or field named __proto__ or constructor is a key like any other.
  var lastVariant = Object.create(null);   // slot -> variant painted (for 'decision' events and shown())
  var hideSheet = null, hideTimer = 0;
  var domParsed = false;
  var channel = null;
  var saveTimer = 0, saving = false, saveAgain = false, dirty = false;
  var lastStoredText = '';
  var afterSave = [];          // flush() callbacks waiting for the write in flight
  var sending = false;
  var errorsReported = Object.create(null);
  var tabId = randomId();
  var resolveReady;
  api.ready = new Promise(function (r) { resolveReady = r; });

  // ---------------------------------------------------------------- helpers
  // The owner's preview (rules with "preview": true) may shift the clock.
  var previewOffsetMs = 0;
  function now() { return Date.now() + previewOffsetMs; }
  function randomId() {
    var a = new Uint32Array(4);
    crypto.getRandomValues(a);
    return Array.prototype.map.call(a, function (x) { return x.toString(36); }).join('');
  }
  function parse(text) { return typeof text === 'string' ? JSON.parse(text) : text; }
  // What a thrown value says, even when it is not an Error (a site's getter
  // may throw null, a Symbol, or an object whose toString throws).
  function why(x) {
    try { return String(x && x.message || x); } catch (e) { return 'an unreadable value was thrown'; }
  }
  function readChoice() {
    try {
      var v = localStorage.getItem(CHOICE_KEY);
      return v === 'granted' || v === 'denied' ? v : 'pending';
    } catch (e) { return 'pending'; }
  }
  function writeChoice(v) {
    try {
      if (v === 'pending') localStorage.removeItem(CHOICE_KEY);
      else localStorage.setItem(CHOICE_KEY, v);
    } catch (e) { /* storage blocked: the choice lasts for this page */ }
  }
  function emit(type, detail) {
    listeners[type].slice().forEach(function (cb) {
      try { cb(detail); } catch (e) { setTimeout(function () { throw e; }); }
    });
    try { document.dispatchEvent(new CustomEvent('omotenashi:' + type, { detail: detail })); } catch (e) { /* old browser */ }
  }
  // Reported once per distinct message: through 'error' and the console.
  function report(message, once) {
    if (once) {
      if (errorsReported[message]) return;
      errorsReported[message] = 1;
    }
    var err = new Error(message);
    console.error('omotenashi: ' + message);
    emit('error', err);
  }
  // A thrown engine call (an abort) ends personalization for this page: the
  // defaults come back and the page goes on.
  function fail(e) {
    engine = null;
    restoreAll();
    reveal();
    report('engine stopped: ' + (e && e.message || e), true);
    if (!isReady) { isReady = true; resolveReady(); }
  }
  function guard(fn) {
    return function () {
      if (!engine) return;
      try { return fn.apply(null, arguments); } catch (e) { fail(e); }
    };
  }

  // ------------------------------------------------------------ first paint
  // A returning visitor (consent granted) gets slots hidden until they are
  // painted, so the default never flashes; visibility keeps their boxes, so
  // nothing moves. After HIDE_TIMEOUT_MS the defaults show whatever happens.
  function hide() {
    if (typeof CSSStyleSheet === 'function' && 'adoptedStyleSheets' in document) {
      try {
        hideSheet = new CSSStyleSheet();
        hideSheet.replaceSync(HIDE_CSS);   // constructed sheets need no style-src 'unsafe-inline'
        document.adoptedStyleSheets = document.adoptedStyleSheets.concat([hideSheet]);
      } catch (e) { hideSheet = null; }
    }
    if (!hideSheet) {
      hideSheet = document.createElement('style');
      hideSheet.textContent = HIDE_CSS;
      (document.head || document.documentElement).appendChild(hideSheet);
    }
    hideTimer = setTimeout(reveal, config.hideTimeoutMs);
  }
  function reveal() {
    clearTimeout(hideTimer);
    if (!hideSheet) return;
    if (hideSheet.nodeType) hideSheet.remove();
    else {
      var s = hideSheet;
      document.adoptedStyleSheets = document.adoptedStyleSheets.filter(function (x) { return x !== s; });
    }
    hideSheet = null;
  }

  // ------------------------------------------------------------------ paint
  function safeUrl(u) {
    if (typeof u !== 'string' || !u) return false;
    try {
      var p = new URL(u, document.baseURI).protocol;
      return p === 'https:' || p === 'http:';
    } catch (e) { return false; }
  }
  function safeSrcset(s) {
    return s.split(',').every(function (c) { return safeUrl(c.trim().split(/\s+/)[0]); });
  }
  function imageOf(d) {
    var im = d.image || (d.imageSrc ? { src: d.imageSrc, alt: d.imageAlt, srcset: d.imageSrcset } : null);
    return im && safeUrl(im.src) ? im : null;
  }
  function remember(el) {
    var o = originals.get(el);
    if (!o) {
      var img = el.tagName === 'IMG' ? el : el.querySelector('img');
      o = {
        nodes: Array.prototype.map.call(el.childNodes, function (n) { return n.cloneNode(true); }),
        img: img,
        attrs: img ? ['src', 'srcset', 'alt'].map(function (a) { return img.getAttribute(a); }) : null,
        changed: false
      };
      originals.set(el, o);
    }
    return o;
  }
  function restore(el) {
    var o = originals.get(el);
    if (!o || !o.changed) return;
    if (el.tagName !== 'IMG') {
      el.replaceChildren.apply(el, o.nodes.map(function (n) { return n.cloneNode(true); }));
      if (o.img) o.img = el.querySelector('img');  // the clone of the original image
    }
    if (o.img) imageBack(o);
    o.changed = false;
    o.text = o.src = null;
  }
  function imageBack(o) {
    ['src', 'srcset', 'alt'].forEach(function (a, i) {
      if (o.attrs[i] === null) o.img.removeAttribute(a); else o.img.setAttribute(a, o.attrs[i]);
    });
  }
  // Shows the element's own content, as a slot without a decision.
  function unpaint(el) {
    restore(el);
    el.removeAttribute('data-omo-variant');
    el.removeAttribute('data-omo-items');
    el.setAttribute('data-omo-painted', '');
    painted.delete(el);
  }
  function restoreAll() { document.querySelectorAll('[data-omo-slot]').forEach(unpaint); }
  // Text never goes into an element that would run or apply it: a script
  // whose text changes may run (an empty one had not run yet), a style applies.
  function inert(el) { return el.localName !== 'script' && el.localName !== 'style'; }
  // Paints one element; returns true when a personalized decision is on it.
  function paintElement(el, d) {
    var key = JSON.stringify([d.variant, d.text, d.image, d.imageSrc, d.items]);
    if (painted.get(el) === key) return d.variant !== 'default';
    var o = remember(el);
    painted.set(el, key);
    el.setAttribute('data-omo-painted', '');
    if (d.variant === 'default') {
      restore(el);
      el.removeAttribute('data-omo-variant');
      el.removeAttribute('data-omo-items');
      return false;
    }
    restore(el);
    var im = imageOf(d);
    var img = el.tagName === 'IMG' ? el : o.img;
    if (im && img) {
      img.setAttribute('src', im.src);
      if (typeof im.srcset === 'string' && im.srcset && safeSrcset(im.srcset)) img.setAttribute('srcset', im.srcset);
      else img.removeAttribute('srcset');
      img.setAttribute('alt', typeof im.alt === 'string' ? im.alt : '');
      o.src = im.src;
      o.changed = true;
    }
    if (typeof d.text === 'string' && el.tagName !== 'IMG') {
      // An element holding an image keeps it: text goes to its
      // [data-omo-text] child, or is not shown.
      var target = el.querySelector('[data-omo-text]') || (o.img ? null : el);
      if (target) {
        o.text = [target, Array.prototype.slice.call(target.childNodes), d.text];
        target.textContent = d.text;
        o.changed = true;
      }
    }
    el.setAttribute('data-omo-variant', d.variant);
    if (d.items && d.items.length) el.setAttribute('data-omo-items', d.items.join(' '));
    else el.removeAttribute('data-omo-items');
    return true;
  }
  // data-omo-slot changed in place by the page: a new name (a list re-rendered
  // without keys) makes a new slot; no name, an element of the page's own.
  // What it shows then is its default, except what is still as painted: that
  // was ours, so the text and image go back to the element's own. A part the
  // page changed in the same update (a badge) stays the page's.
  function slotChanged(el) {
    var o = originals.get(el) || {}, t = o.text;
    painted.delete(el);
    originals.delete(el);
    if (t && t[0].textContent === t[2]) t[0].replaceChildren.apply(t[0], t[1]);
    if (o.src && o.img.getAttribute('src') === o.src) imageBack(o);
    if (!el.hasAttribute('data-omo-slot')) ['data-omo-variant', 'data-omo-items', 'data-omo-painted'].forEach(el.removeAttribute, el);
  }
  // While the document loads, the parser may still be filling an element (the
  // network paused inside it): painted now, the rest of its content would be
  // appended to ours, and its default saved in half. Once anything follows
  // it, its end tag was parsed; it is painted then, or at DOMContentLoaded.
  var waiting = false;   // a slot was left unfinished: the parser's next nodes paint it
  function unfinished(el) {
    if (document.readyState !== 'loading') return false;
    for (var n = el; n; n = n.parentNode) if (n.nextSibling) return false;
    return waiting = true;
  }
  function paint(decisions, t) {
    var bySlot = Object.create(null);
    decisions.forEach(function (d) { bySlot[d.slot] = d; });
    var onScreen = Object.create(null);
    waiting = false;
    document.querySelectorAll('[data-omo-slot]').forEach(function (el) {
      var d = bySlot[el.getAttribute('data-omo-slot')];
      // Not in the rules: its own content (painted before under another
      // name, renamed in place: what we painted goes).
      if (!d) return unpaint(el);
      if (unfinished(el)) return;
      var text = el.querySelector('[data-omo-text]');
      if (!inert(el)) return report('slot "' + d.slot + '" is on a <' + el.localName + '> element, which is never painted', true);
      if (text && !inert(text)) return report('slot "' + d.slot + '": its [data-omo-text] is a <' + text.localName + '> element, which is never painted', true);
      if (paintElement(el, d)) onScreen[d.slot] = 1;
    });
    var changed = false;
    decisions.forEach(function (d) {
      if (onScreen[d.slot] && engine.shown(d.slot, t)) changed = true;
      if (lastVariant[d.slot] !== d.variant) {
        lastVariant[d.slot] = d.variant;
        emit('decision', d);
      }
    });
    if (changed) {
      scheduleSave();
      // Open tabs count it at once: a capped offer is not shown again in another tab.
      post({ t: 'state', to: '*', text: engine.saveProfile() });
    }
  }
  var redecide = guard(function () {
    var t = now();
    paint(parse(engine.decideAll(t)), t);
  });

  // ---------------------------------------------------------------- signals
  // Applies one signal. `at` is the time it happened (a relayed signal keeps
  // the other tab's time); `relayed` is true for one that came from another tab.
  function apply(s, at, relayed) {
    var err = engine.track(JSON.stringify(s), at);
    if (err) return err;
    logged({ s: s, at: at });
    if (!relayed) post({ t: 'signal', s: s, at: at });
    return '';
  }
  function logged(l) {
    log.push(l);
    if (log.length > LOG_MAX) log.shift();
  }
  var signal = function (raw) {
    // From here on a signal is plain JSON data, copied when it arrives. What
    // cannot be written as JSON (a BigInt, a throwing getter or toJSON) is
    // the caller's error and never reaches the engine; functions and
    // undefined values are dropped, as JSON.stringify drops them.
    var s;
    try { s = JSON.parse(JSON.stringify(raw)); } catch (e) { return 'the signal is not JSON data (' + why(e) + ')'; }
    if (!isReady) {
      // Kept only with consent (the others would be dropped at ready), and
      // bounded: a page whose engine never starts keeps no growing backlog.
      if (state !== 'granted') return '';
      if (pending.length < PENDING_MAX) pending.push({ s: s, at: now() });
      else report('more than ' + PENDING_MAX + ' signals before the engine was ready: the later ones are dropped', true);
      return '';
    }
    if (!engine || state !== 'granted') return '';   // pending/denied: decisions from page context only
    try {
      if (!s.id) s.id = randomId();
      if (s.type === 'page') engine.newPage();   // a route change: this page's impressions count anew
      var err = apply(s, now(), false);
      if (err) return err;
      redecide();
      scheduleSave();
      // A cart change or an order is often followed at once by a navigation:
      // store it now rather than after the debounce.
      if (s.type === 'add_to_cart' || s.type === 'remove_from_cart' || s.type === 'purchase') flush();
    } catch (e) { fail(e); }
    return '';
  };
  function signalFromPage(s) {
    var err = signal(s);
    if (err) report(err, true);
  }

  // Product views and visible dwell time.
  var products = new Map();   // element -> {sku, category, visible, dwell, viewed}
  var io = typeof IntersectionObserver === 'function' ? new IntersectionObserver(function (entries) {
    entries.forEach(function (e) {
      var p = products.get(e.target);
      if (!p) return;
      p.visible = e.isIntersecting &&
        (e.intersectionRatio >= 0.5 || e.intersectionRect.height >= window.innerHeight * 0.5);
      if (p.visible && !p.viewed && document.visibilityState === 'visible') {
        p.viewed = true;
        signalFromPage(productSignal('view', p));
      }
    });
  }, { threshold: [0, 0.5] }) : null;
  function productSignal(type, p) {
    var s = { type: type, sku: p.sku };
    if (p.category) s.category = p.category;
    return s;
  }
  function watchProduct(el) {
    if (products.has(el) || !io) return;
    var sku = el.getAttribute('data-omo-product');
    if (!sku) return;
    products.set(el, { sku: sku, category: el.getAttribute('data-omo-category') || '', visible: false, dwell: 0, viewed: false });
    io.observe(el);
  }
  var lastTick = 0, ticks = 0;
  function tick() {
    var t = performance.now();
    var dt = Math.min((t - lastTick) / 1000, 2);   // a suspended page does not dwell
    lastTick = t;
    if (document.visibilityState !== 'visible') return;
    products.forEach(function (p, el) {
      if (!el.isConnected) {
        // Removed (a single-page app re-rendered): its dwell ends; forget it.
        flushDwell(p);
        io.unobserve(el);
        products.delete(el);
        return;
      }
      if (!p.visible) return;
      if (!p.viewed) { p.viewed = true; signalFromPage(productSignal('view', p)); }
      p.dwell += dt;
      if (p.dwell >= DWELL_FLUSH_S) flushDwell(p);
    });
    if (++ticks % REDECIDE_EVERY === 0 && engine && isReady) redecide();
  }
  function flushDwell(p) {
    if (p.dwell < 0.05) return;
    var s = productSignal('dwell', p);
    s.seconds = Math.round(p.dwell * 100) / 100;
    p.dwell = 0;
    signalFromPage(s);
  }
  function flushAllDwell() { products.forEach(flushDwell); }

  function scan(root) {
    if (root.nodeType !== 1) return;
    if (root.hasAttribute('data-omo-product')) watchProduct(root);
    root.querySelectorAll('[data-omo-product]').forEach(watchProduct);
    if (engine && isReady && (root.hasAttribute('data-omo-slot') || root.querySelector('[data-omo-slot]'))) redecide();
  }

  // GA4 ecommerce in window.dataLayer, and Consent Mode v2 commands.
  var seenLayer = new WeakSet();
  var GA_TYPES = Object.assign(Object.create(null), { view_item: 'view', add_to_cart: 'add_to_cart', remove_from_cart: 'remove_from_cart', purchase: 'purchase', view_cart: 'cart_view' });
  function layerEntry(e) {
    if (!e || typeof e !== 'object' || seenLayer.has(e)) return;
    seenLayer.add(e);
    if (e[0] === 'consent' && e[2] && typeof e[2] === 'object') return consentMode(e[1], e[2]);
    var type = GA_TYPES[e.event];
    var items = e.ecommerce && e.ecommerce.items;
    if (!type || !Array.isArray(items)) return;
    var tx = e.ecommerce.transaction_id, order = [];
    items.forEach(function (it) {
      if (!it || it.item_id == null) return;
      var s = { sku: String(it.item_id) };
      if (it.item_category) s.category = String(it.item_category);
      if (type === 'purchase') return order.push(s);
      s.type = type;
      var q = Number(it.quantity);   // Number, not Math.floor, reads a BigInt
      if (type !== 'view' && q > 0) s.quantity = Math.floor(q);
      signalFromPage(s);
    });
    // A purchase is one order of its items; a re-pushed transaction counts once.
    if (order.length) {
      var s = { type: type, items: order.slice(0, 100) };   // the engine's bound per order
      if (tx) s.id = 'ga4:' + tx;
      signalFromPage(s);
    }
  }
  // The site's dataLayer.push must never throw because of us: an entry we
  // cannot read (a throwing getter, a Proxy) is reported and skipped.
  function readLayer(list) {
    Array.prototype.forEach.call(list, function (e) {
      try { layerEntry(e); } catch (x) { report('dataLayer: an entry could not be read (' + why(x) + ')', true); }
    });
  }
  function watchList(dl) {
    try {
      readLayer(dl);
      var push = dl.push;
      if (typeof push !== 'function') throw new Error('it has no push()');
      var wrapped = dl.push = function () {
        var r = push.apply(dl, arguments);
        readLayer(arguments);
        return r;
      };
      // Frozen, outside strict mode, the assignment does nothing. A setter
      // (a tag manager wrapping push in turn) is trusted to call ours.
      var own = Object.getOwnPropertyDescriptor(dl, 'push');
      if (!own || !(own.set || own.value === wrapped)) throw new Error('its push() cannot be replaced');
    } catch (x) { report('dataLayer is not a list its pushes can be read from (' + why(x) + ')', true); }
  }
  function watchDataLayer() {
    try {
      var dl = window.dataLayer = window.dataLayer || [];
      watchList(dl);
      // A page may assign a new list later (dataLayer = [{...}] before its tag
      // manager, as Google's older snippets do): it is watched too. Not where
      // the page declared the name itself (var: not configurable).
      var d = Object.getOwnPropertyDescriptor(window, 'dataLayer');
      if (d && d.configurable && 'value' in d) {
        Object.defineProperty(window, 'dataLayer', {
          configurable: true, enumerable: true,
          get: function () { return dl; },
          set: function (v) { if (v !== dl && (dl = v) != null) watchList(v); }   // null: no list yet
        });
      }
    } catch (x) { report('dataLayer is not a list its pushes can be read from (' + why(x) + ')', true); }
  }

  // ---------------------------------------------------------------- consent
  // Google Consent Mode v2: personalization_storage decides the profile,
  // analytics_storage the reports. A 'default' is not a choice: it grants only
  // while the visitor has chosen nothing (a site pushes its defaults on every
  // page, after the visitor may have denied), and a default denial keeps
  // 'pending' (nothing stored) without erasing anything. A default scoped to
  // regions is ignored: the page cannot tell the visitor's region.
  function consentMode(command, c) {
    if (command !== 'default' && command !== 'update') return;
    if (command === 'default' && c.region) return;
    if (c.analytics_storage === 'granted') reportsAllowedByCmp = true;
    else if (c.analytics_storage === 'denied') reportsAllowedByCmp = false;
    if (command === 'default' && state !== 'pending') return;
    if (c.personalization_storage === 'granted') setConsent('granted', true);
    else if (c.personalization_storage === 'denied' && command === 'update') setConsent('denied', true);
  }
  // IAB TCF v2.2: the site's (publisher's) purpose consents, or the vendor
  // purpose consents when the CMP sets no publisher ones. Profile: purposes
  // 1 (store on device), 5 (build a content profile), 6 (use it to select
  // content). Reports: purpose 8 or 9 (content measurement, statistics).
  // Looked for at start, when the DOM is parsed and when ready: the CMP's stub
  // may come after our tag. Until the CMP answers, no report is sent.
  var tcfWatched = false;
  function watchTcf() {
    if (tcfWatched || typeof window.__tcfapi !== 'function') return;
    tcfWatched = true;
    reportsAllowedByCmp = false;
    try {
      window.__tcfapi('addEventListener', 2, function (d, ok) {
        if (!ok || !d) return;
        if (d.gdprApplies === false) { reportsAllowedByCmp = true; return; }
        if (d.eventStatus !== 'tcloaded' && d.eventStatus !== 'useractioncomplete') return;
        // Publisher consents when the CMP sets any (even all false), else the vendor purposes.
        var pub = (d.publisher && d.publisher.consents) || {};
        var c = Object.keys(pub).length ? pub : ((d.purpose && d.purpose.consents) || {});
        reportsAllowedByCmp = !!(c[8] || c[9]);
        setConsent(c[1] && c[5] && c[6] ? 'granted' : 'denied', true);
      });
    } catch (e) { report('__tcfapi failed: ' + why(e), true); }
  }
  function gpcOn() { return navigator.globalPrivacyControl === true && config.honorGpc; }

  // The database is deleted through the module's store, after any read or
  // write in flight (store.post.js), even when this page does not persist
  // (a read failed): only without the module does it go to IndexedDB itself.
  function deleteDatabase() {
    return new Promise(function (resolve) {
      if (storeModule) return storeModule.erase(resolve);
      var req;
      try { req = indexedDB.deleteDatabase(DB_NAME); } catch (e) { return resolve(); }
      req.onsuccess = req.onerror = function () { resolve(); };
      req.onblocked = function () { setTimeout(resolve, 1000); };
    });
  }
  // Erases the profile here and in storage, keeping only `next` as the choice.
  // The one place the consent state changes: the engine's context follows it
  // (conditions read context.consent; only consenting devices are held out).
  function setState(next) {
    state = next;
    writeChoice(next);
    try { updateContext(); } catch (e) { fail(e); }
  }
  function erase(next, relayed) {
    erasures++;
    clearTimeout(saveTimer);
    dirty = false;
    lastStoredText = '';
    log = [];
    try { if (engine) engine.forget(now()); } catch (e) { fail(e); }
    setState(next);
    if (!relayed) post({ t: next === 'denied' ? 'deny' : 'forget' });
    var p = deleteDatabase();
    if (engine) redecide();
    return p;
  }
  function setConsent(next, fromCmp, relayed) {
    if (next !== 'granted' && next !== 'denied' && next !== 'pending') {
      return Promise.reject(new Error("consent: expected 'granted', 'denied' or 'pending', got " + String(next)));
    }
    if (next === state) return Promise.resolve();
    var was = state, done;
    if (next === 'granted') {
      setState('granted');
      redecide();
      // With this tab's profile: the other tabs take it (its device id, and
      // so its experiment buckets and reports), as this one stores it.
      if (!relayed) post({ t: 'grant', text: engine ? engine.saveProfile() : '' });
      // This tab's in-memory profile (context only until now) becomes the
      // stored one, unless another tab already stored one: then that one is used.
      done = isReady && engine ? loadStored().then(function (had) {
        if (!had) { dirty = true; flush(); }
        sendReports();
      }) : Promise.resolve();
    } else {
      done = erase(next, relayed);
    }
    emit('consent', { state: next, previous: was, source: fromCmp ? 'cmp' : relayed ? 'tab' : 'visitor' });
    return done;
  }

  // ---------------------------------------------------------- persistence
  // Loads the stored profile into the engine; resolves true when there was
  // one. A corrupted store is reported once and replaced by an empty profile.
  function loadStored() {
    return new Promise(function (resolve) {
      if (!store || state !== 'granted') return resolve(false);
      var before = erasures;
      store.load(function (err, text) {
        if (err) { store = null; report('could not read the stored profile: ' + err, true); return resolve(false); }
        // Read before an erase that came after it was asked (consent denied,
        // then granted again): what the visitor erased never comes back.
        if (!engine || !text || erasures !== before) return resolve(false);
        try {
          lastStoredText = text;
          var bad = adopt(text);
          if (bad) storedUnreadable(bad);
        } catch (e) { fail(e); }
        resolve(!!text);
      });
    });
  }
  // The stored profile could not be used. A newer version's profile (a
  // rolled-back script) is left alone: no persistence on this page. A
  // corrupted one is overwritten by the profile this page holds.
  function storedUnreadable(bad) {
    if (bad.indexOf(NEWER_SCHEMA) === 0) {
      store = null;
      report('stored profile left as it is (' + bad + '); nothing is stored on this page', true);
    } else {
      report('stored profile discarded (' + bad + ')', true);
      dirty = true;
      flush();
    }
  }
  // Replaces the profile by another copy (from storage or another tab); ""
  // when loaded, else why not (the engine then keeps its profile). The
  // signals this page has seen are applied again: the engine ignores the ids
  // it already holds, so the result holds both. Profile fields set here or
  // relayed are applied again too, in the order they came: the other tab may
  // have answered before it had them.
  function adopt(text) {
    var bad = engine.loadProfile(text, now());
    if (!bad) log.forEach(function (l) {
      if (l.p) engine.setProfile(JSON.stringify(l.p), l.at);
      else engine.track(JSON.stringify(l.s), l.at);
    });
    return bad;
  }
  function scheduleSave() {
    if (state !== 'granted' || !store) return;
    dirty = true;
    clearTimeout(saveTimer);
    saveTimer = setTimeout(flush, SAVE_DEBOUNCE_MS);
  }
  // Writes the profile when it changed. `done(err)`, if given, runs once the
  // write that holds the current state has finished (at once when there is
  // nothing to write).
  function flush(done) {
    clearTimeout(saveTimer);
    if (done) afterSave.push(done);
    if (!dirty || state !== 'granted' || !store || !engine) { if (!saving) saved(''); return; }
    if (saving) { saveAgain = true; return; }
    var text;
    try { text = engine.saveProfile(); } catch (e) { return fail(e); }
    dirty = false;
    saving = true;
    lastStoredText = text;
    store.save(text, function (err) {
      saving = false;
      // A save cut short because consent was withdrawn meanwhile is expected.
      // Otherwise the profile is written again at the next save (a signal,
      // the page hidden), even if nothing changes before it.
      if (err && state === 'granted') {
        report('could not store the profile: ' + err, true);
        dirty = true;
      }
      if (saveAgain) { saveAgain = false; dirty = true; flush(); return; }
      saved(err || '');
    });
  }
  function saved(err) {
    var cbs = afterSave;
    afterSave = [];
    cbs.forEach(function (cb) { cb(err); });
  }

  // --------------------------------------------------------------- tabs
  function post(m) {
    if (channel && state === 'granted' || channel && (m.t === 'forget' || m.t === 'deny')) {
      try { channel.postMessage(m); } catch (e) { /* closed */ }
    }
  }
  function onMessage(ev) {
    var m = ev.data || {};
    if (m.t === 'grant') {
      // The granting tab's profile is loaded before this tab paints as
      // granted: an impression painted first would send this tab's own
      // profile (its own device id) to every tab, the granting one included.
      if (typeof m.text === 'string' && isReady && engine && state !== 'granted') {
        try { adopt(m.text); } catch (e) { fail(e); }
      }
      return setConsent('granted', false, true);
    }
    if (m.t === 'deny') return setConsent('denied', false, true);
    if (m.t === 'forget') return setConsent('pending', false, true);
    if (!isReady || !engine || state !== 'granted') return;
    try {
      if (m.t === 'signal' || m.t === 'profile') {
        // Another tab's message (perhaps from another version of this script)
        // is input like any other: plain JSON data, at a time within two days
        // of this tab's clock (the owner's preview shifts a clock by less than
        // a day), or it is ignored. Only the engine's own failure stops it.
        var data;
        try { data = JSON.parse(JSON.stringify(m.t === 'signal' ? m.s : m.fields)); } catch (e) { return; }
        if (!data || typeof data !== 'object' || typeof m.at !== 'number' || !(Math.abs(m.at - now()) < 1728e5)) return;
        if (m.t === 'signal') apply(data, m.at, true);
        else if (!engine.setProfile(JSON.stringify(data), m.at)) logged({ p: data, at: m.at });
      } else if (m.t === 'hello') {
        post({ t: 'state', to: m.from, text: engine.saveProfile() });
        return;
      } else if (m.t === 'state' && (m.to === tabId || m.to === '*') && typeof m.text === 'string') {
        if (adopt(m.text)) return;   // garbage: the engine keeps its profile
      } else return;
      redecide();
      scheduleSave();
    } catch (e) { fail(e); }
  }

  // -------------------------------------------------------------- reports
  function sendReports() {
    // A page that cannot store (the store failed, or holds a newer version's
    // profile) encodes nothing: a report must be stored before it leaves, or
    // a later page would randomize its window again.
    if (!engine || !store || state !== 'granted' || !config.collect || gpcOn() || !reportsAllowedByCmp || sending) return;
    sending = true;
    // One tab at a time encodes, after taking in the reports the others
    // stored: tabs the browser restores together would otherwise each
    // randomize the same window (SPEC section 6: one report per task and
    // window). Without Web Locks (older browsers) the tabs only relay.
    var locks = navigator.locks;
    if (locks && typeof locks.request === 'function') {
      locks.request('omotenashi-reports', function () { return new Promise(encode); })
        .catch(function () { sending = false; });
    } else encode(function () {});
  }
  function encode(release) {
    var before = erasures;
    var done = function () { sending = false; release(); };
    if (!store) return done();   // the store failed while this tab waited for its turn
    store.load(function (err, text) { withStored(err || erasures !== before ? '' : text); });
    function withStored(text) {
      if (!engine || state !== 'granted') return done();
      var batch;
      try {
        if (text) engine.keepReportsFrom(text);
        batch = engine.dueReports(now());
      } catch (e) { done(); return fail(e); }
      if (!batch) return done();
      // The encoded reports are stored before they leave: a retry (a later
      // page) resends the same bytes instead of randomizing the window again.
      // If the page closes before the write ends, they leave from the next
      // page. The open tabs learn at once what was encoded (the engine keeps
      // a tab's own reports when it loads another's profile).
      dirty = true;
      try { post({ t: 'state', to: '*', text: engine.saveProfile() }); } catch (e) { done(); return fail(e); }
      flush(function (err) {
        release();
        if (err || state !== 'granted' || !engine) { sending = false; return; }
        sendBatch(batch);
      });
    }
  }
  function sendBatch(batch) {
    var failed = guard(function () { engine.reportsFailed(now()); scheduleSave(); });
    fetch(config.collect, {
      method: 'POST', keepalive: true, credentials: 'omit',
      headers: { 'content-type': 'application/json' }, body: batch
    }).then(function (r) {
      if (r.status !== 202) return failed();
      return r.json().then(guard(function (j) {
        // A body of null (a proxy's) acknowledges nothing: the batch is resent
        // later, which the collector counts once. It must not stop the engine.
        var rids = j ? [].concat(j.ok || [], j.dup || []) : [];
        engine.acknowledgeReports(JSON.stringify(rids), now());
        scheduleSave();
      }));
    }).catch(failed).then(function () { sending = false; });
  }

  // ------------------------------------------------------------ page hooks
  function onClick(ev) {
    var t = ev.target && ev.target.closest ? ev.target : null;
    if (!t) return;
    var c = t.closest('[data-omo-consent]');
    if (c) { api.consent(c.getAttribute('data-omo-consent')).catch(function (e) { report(e.message, true); }); return; }
    if (t.closest('[data-omo-forget]')) { api.forget(); return; }
    var b = t.closest('[data-omo-event]');
    if (!b) return;
    var s = { type: b.getAttribute('data-omo-event') };
    var sku = b.getAttribute('data-omo-item');
    if (sku) s.sku = sku;
    var cat = b.getAttribute('data-omo-category');
    if (cat) s.category = cat;
    var q = parseInt(b.getAttribute('data-omo-quantity'), 10);
    if (q > 0) s.quantity = q;
    signalFromPage(s);
  }
  function onSubmit(ev) {
    var form = ev.target, E = Element.prototype;
    // The form's own methods through the prototypes: a control named
    // "matches", "elements", "submit" or "setAttribute" hides the form's
    // property of that name.
    if (!(form instanceof HTMLFormElement) || !E.matches.call(form, '[data-omo-profile]')) return;
    var controls = Object.getOwnPropertyDescriptor(HTMLFormElement.prototype, 'elements').get.call(form);
    if (isReady && !engine) return;   // the engine failed: the form does what it would without us
    ev.preventDefault();
    var fields = Object.create(null);
    var schema = (rulesDoc && rulesDoc.profile && rulesDoc.profile.fields) || {};
    Array.prototype.forEach.call(controls, function (el) {
      if (!el.name || el.disabled || /^(submit|button|reset|file)$/.test(el.type)) return;
      if ((el.type === 'radio' || el.type === 'checkbox') && !el.checked) return;
      if (!Object.prototype.hasOwnProperty.call(schema, el.name) && !E.hasAttribute.call(form, 'data-omo-strict')) return;
      fields[el.name] = el.value === '' ? null : el.value;
      if (el.setCustomValidity) el.setCustomValidity('');
    });
    declare(fields).then(function (err) {
      // Marked saved only when stored: without consent the fields were
      // checked, not kept; a write that failed kept nothing either.
      (state === 'granted' && store && !err ? E.setAttribute : E.removeAttribute).call(form, 'data-omo-saved', '');
      (state === 'granted' && err ? E.setAttribute : E.removeAttribute).call(form, 'data-omo-error', 'could not store the profile: ' + err);
    }, function (e) {
      // Submitted before the engine was ready, and it failed to load: submit as without us.
      if (!engine) return HTMLFormElement.prototype.submit.call(form);
      E.removeAttribute.call(form, 'data-omo-saved');
      E.setAttribute.call(form, 'data-omo-error', e.message);
      var bad = Object.keys(fields).filter(function (k) { return e.message.indexOf(k) >= 0; })[0];
      var input = bad && controls.namedItem(bad);
      if (input && input.setCustomValidity) {
        input.setCustomValidity(e.message);
        if (input.reportValidity) input.reportValidity();
        // The next edit clears it, or the browser would block the next submit.
        var clear = function () { input.setCustomValidity(''); };
        input.addEventListener('input', clear, { once: true });
        input.addEventListener('change', clear, { once: true });
      }
    });
  }
  function onHide() {
    flushAllDwell();
    sendReports();
    flush();
  }

  // ------------------------------------------------------------ start-up
  function pageContext() {
    var ua = navigator.userAgent || '';
    var uad = navigator.userAgentData;
    var device = /iPad|Tablet|Android(?!.*Mobile)/i.test(ua) ? 'tablet'
      : (uad && uad.mobile) || /Mobi|iPhone|iPod/i.test(ua) ? 'mobile' : 'desktop';
    var ref = 'none';
    if (document.referrer) {
      try {
        var h = new URL(document.referrer).hostname;
        ref = h === location.hostname ? 'internal'
          : /(^|\.)(google|bing|yahoo|duckduckgo|baidu|yandex|naver|ecosia|startpage)\./i.test(h) ? 'search'
          : /(^|\.)(facebook|instagram|twitter|x|t|line|linkedin|pinterest|tiktok|reddit|youtube|threads)\.(com|co|me|net)$/i.test(h) ? 'social'
          : 'other';
      } catch (e) { ref = 'other'; }
    }
    var tz = '';
    try { tz = Intl.DateTimeFormat().resolvedOptions().timeZone || ''; } catch (e) { /* none */ }
    var ctx = {
      tzOffsetMinutes: -new Date().getTimezoneOffset(),
      device: device,
      // The page's language picks the rules' text ({"en": ..., "ja": ...}).
      // ja_JP (a locale, not a BCP 47 tag) is common in lang attributes: read as ja-JP.
      language: ((document.documentElement.lang || '').trim() || navigator.language || '').replace(/_/g, '-').slice(0, 35),
      path: location.pathname,
      referrer: ref,
      timeZone: tz,
      consent: state
    };
    if (config.region) ctx.region = config.region;
    var pv = preview();
    if (pv.device) ctx.device = pv.device;
    if (pv.region) ctx.region = pv.region;
    return ctx;
  }
  // ?omo_now=HH:MM&omo_device=mobile|tablet|desktop&omo_region=NAME, honoured
  // only when the rules enable preview mode: how an owner previews rules.
  function preview() {
    if (!rulesDoc || rulesDoc.preview !== true) return {};
    var q = new URLSearchParams(location.search), out = {};
    var d = q.get('omo_device');
    if (d === 'mobile' || d === 'tablet' || d === 'desktop') out.device = d;
    var r = q.get('omo_region');
    if (r && /^[A-Za-z0-9_.-]{1,64}$/.test(r)) out.region = r;
    var m = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(q.get('omo_now') || '');
    if (m) out.hour = +m[1], out.minute = +m[2];
    return out;
  }
  function updateContext() {
    if (!engine) return;
    var err = engine.setContext(JSON.stringify(pageContext()));
    if (err) report('context: ' + err, true);
  }

  // The Emscripten module, instantiated once per page (cached).
  var modulePromise = null;
  function loadModule(wasmBinary) {
    if (!modulePromise) {
      var mod = {
        locateFile: function (p) { return p.slice(-5) === '.wasm' ? wasmUrl : p; }
      };
      if (wasmBinary) mod.wasmBinary = wasmBinary;
      modulePromise = factory(mod);
      store = storeModule = mod.store || null;
    }
    return modulePromise;
  }

  function start(cfg) {
    config = cfg;
    if (state === 'granted') hide();
    // One channel for the origin, as the choice and the database are: a tab
    // whose tag names its rules another way ("rules.json", "/rules.json") or
    // loads other rules must still follow a denial, or it writes the profile again.
    try { channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel('omotenashi') : null; } catch (e) { channel = null; }
    if (channel) channel.onmessage = onMessage;
    document.addEventListener('click', onClick, true);
    document.addEventListener('submit', onSubmit, true);
    addEventListener('pagehide', onHide);
    document.addEventListener('visibilitychange', function () {
      if (document.visibilityState === 'hidden') return onHide();
      lastTick = performance.now();
      if (isReady && engine && state === 'granted' && !dirty && !saving) loadStored().then(redecide);
    });
    watchDataLayer();
    watchTcf();
    function parsed() {
      domParsed = true;
      watchTcf();
      scan(document.documentElement);
      if (isReady) reveal();
    }
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', parsed);
    else parsed();
    // Slots and products the parser (or a single-page app) adds later, and
    // slots renamed or unnamed in place (slotChanged).
    new MutationObserver(function (ms) {
      var renamed = false;
      ms.forEach(function (m) {
        Array.prototype.forEach.call(m.addedNodes, scan);
        // Set again to the name it has (a re-render): not renamed.
        if (m.type === 'attributes' && m.oldValue !== m.target.getAttribute('data-omo-slot')) {
          slotChanged(m.target);
          renamed = true;
        }
      });
      if ((waiting || renamed) && isReady) redecide();
    }).observe(document.documentElement, { childList: true, subtree: true, attributes: true, attributeOldValue: true, attributeFilter: ['data-omo-slot'] });
    lastTick = performance.now();
    setInterval(tick, TICK_MS);

    var rulesText = fetch(cfg.rules, { credentials: 'same-origin' }).then(function (r) {
      if (!r.ok) throw new Error('rules: HTTP ' + r.status + ' for ' + cfg.rules);
      return r.text();
    });
    var moduleReady = loadModule(cfg.wasmBinary);
    // The stored profile is read as soon as the runtime is up (IDBFS fills
    // MEMFS, which needs the wasm memory), before the first decision.
    // Reading it during the compile measured no faster (docs/benchmarks.md).
    var loadedAtStart = state === 'granted' && !!store;
    var erasuresAtStart = 0;   // erase() calls when the start-up read is asked
    var stored = loadedAtStart ? moduleReady.then(function () {
      return new Promise(function (resolve) {
        // Consent may have been withdrawn meanwhile (a CMP, another tab): then
        // reading would create the database that was just deleted.
        if (state !== 'granted') return resolve({ err: '', text: '' });
        erasuresAtStart = erasures;
        store.load(function (err, text) { resolve({ err: err, text: text }); });
      });
    }) : Promise.resolve({ err: '', text: '' });

    return Promise.all([moduleReady, rulesText, stored]).then(function (all) {
      var M = all[0], text = all[1], st = all[2];
      store = storeModule = M.store || store;
      try { rulesDoc = JSON.parse(text); } catch (e) { rulesDoc = null; }
      var seed = new Uint32Array(2);
      crypto.getRandomValues(seed);
      var e = new M.Engine(text, seed[0], seed[1]);
      if (!e.ok()) {
        var diags = parse(e.diagnostics());
        e.delete();
        throw new Error('rules: ' + diags.map(function (d) { return (d.pointer || '/') + ': ' + d.message; }).join('; '));
      }
      engine = e;
      var pv = preview();
      if (pv.hour !== undefined) {
        var target = new Date();
        target.setHours(pv.hour, pv.minute, 0, 0);
        previewOffsetMs = target.getTime() - Date.now();
      }
      updateContext();
      // The page's language may change (a language toggle): decide again.
      new MutationObserver(guard(function () { updateContext(); redecide(); }))
        .observe(document.documentElement, { attributes: true, attributeFilter: ['lang'] });
      if (st.err) {
        // Never overwrite what could not be read: no persistence on this page.
        store = null;
        report('could not read the stored profile: ' + st.err, true);
      }
      if (state === 'granted' && !loadedAtStart) return loadStored().then(function () { return st; });
      return st;
    }).then(function (st) {
      var t = now();
      if (st.text && state === 'granted' && erasures === erasuresAtStart) {
        lastStoredText = st.text;
        var bad = engine.loadProfile(st.text, t);
        if (bad) storedUnreadable(bad);
      }
      // The page view is a logged signal: it survives a profile exchange
      // with another tab (the log is replayed) and is relayed to them.
      apply({ type: 'page', id: randomId() }, t, false);
      isReady = true;
      var q = pending;
      pending = [];
      q.forEach(function (p) {
        if (state !== 'granted') return;   // consent withdrawn meanwhile
        if (!p.s.id) p.s.id = randomId();
        var e2 = apply(p.s, p.at, false);
        if (e2) report(e2, true);
      });
      redecide();
      if (state === 'granted') {
        scheduleSave();
        post({ t: 'hello', from: tabId });
      }
      if (domParsed) reveal();
      watchTcf();
      sendReports();
      resolveReady();
    }).catch(function (e) {
      engine = null;
      isReady = true;
      pending = [];
      restoreAll();
      reveal();
      report(e && e.message || String(e), true);
      resolveReady();
    });
  }

  // ---------------------------------------------------------------- the API
  api.VERSION = OMO_VERSION;
  api.init = function (cfg) {
    if (config) return api.ready;
    cfg = cfg || {};
    if (!cfg.rules) {
      report('init: no rules URL (data-rules on the script tag, or init({rules}))', true);
      return api.ready;
    }
    start({
      rules: String(cfg.rules),
      collect: cfg.collect ? String(cfg.collect) : '',
      honorGpc: cfg.honorGpc !== false,
      // At most 10 s: a longer wait only hides the page's content (and past
      // 2^31 ms the browser's timer would fire at once).
      hideTimeoutMs: typeof cfg.hideTimeoutMs === 'number' && cfg.hideTimeoutMs > 0 ? Math.min(cfg.hideTimeoutMs, 1e4) : HIDE_TIMEOUT_MS,
      region: typeof cfg.region === 'string' ? cfg.region : '',
      wasmBinary: cfg.wasmBinary || null
    });
    return api.ready;
  };
  // Private: the raw Embind module (new M.Engine(rulesText, seedHigh, seedLow)),
  // for tests and benchmarks. Not part of the supported API.
  api._load = function () { return loadModule(null); };
  api.consent = function (next) { return setConsent(next, false, false); };
  api.consentState = function () { return state; };
  // setProfile(), resolving with the write's error ('' when stored) for the
  // profile form, which is marked saved only when the fields are stored.
  function declare(fields) {
    return api.ready.then(function () {
      if (!fields || typeof fields !== 'object' || Array.isArray(fields)) throw new Error('setProfile: expected an object of profile fields');
      if (!engine) throw new Error('setProfile: the engine is not available');
      var text;
      try { text = JSON.stringify(fields); } catch (e) { throw new Error('setProfile: the fields are not JSON data (' + why(e) + ')'); }
      var t = now();
      // Without consent the fields are checked, then the profile is put back.
      var before = state === 'granted' ? null : engine.saveProfile();
      var err = engine.setProfile(text, t);
      if (err) throw new Error(err);
      if (before !== null) { engine.loadProfile(before, t); return; }
      var data = JSON.parse(text);   // plain data: it can be cloned
      logged({ p: data, at: t });
      post({ t: 'profile', fields: data, at: t });
      redecide();
      // Stored at once, and resolved once stored: a form that says "saved"
      // and a link followed right after it lose nothing (a write begun as
      // the page hides does not finish). A failed write is reported as an
      // 'error'; the fields still apply to this page.
      dirty = true;
      return new Promise(function (resolve) { flush(resolve); });
    });
  }
  api.setProfile = function (fields) { return declare(fields).then(function () {}); };
  api.track = function (type, props) {
    if (typeof type !== 'string' || !type) throw new Error('track: expected an event type');
    var s = Object.create(null), copy;
    if (props && typeof props === 'object') {
      try { copy = JSON.parse(JSON.stringify(props)); } catch (e) { throw new Error('track: the signal is not JSON data (' + why(e) + ')'); }
      Object.keys(copy).forEach(function (k) { s[k] = copy[k]; });
    }
    s.type = type;
    var err = signal(s);
    if (err) throw new Error('track: ' + err);
  };
  api.decide = function (slot) {
    if (!engine) return slot === undefined ? [] : null;
    try {
      return slot === undefined ? parse(engine.decideAll(now())) : parse(engine.decide(String(slot), now()));
    } catch (e) { fail(e); return slot === undefined ? [] : null; }
  };
  api.explain = function (slot) {
    if (!engine) return '';
    try { return engine.explain(String(slot), now()); } catch (e) { fail(e); return ''; }
  };
  api.exportData = function () {
    var out = { consent: state, profile: null };
    if (engine && state === 'granted') {
      try { out.profile = parse(engine.exportData()); } catch (e) { fail(e); }
    }
    return out;
  };
  api.forget = function () { return erase('pending', false).then(function () { emit('consent', { state: 'pending', previous: 'forget', source: 'visitor' }); }); };
  api.on = function (type, cb) {
    if (!Object.prototype.hasOwnProperty.call(listeners, type)) throw new Error("on: unknown event type '" + why(type) + "'");
    if (typeof cb !== 'function') throw new Error('on: expected a function to call');
    listeners[type].push(cb);
    return function () { api.off(type, cb); };
  };
  api.off = function (type, cb) {
    var l = Object.prototype.hasOwnProperty.call(listeners, type) && listeners[type];
    if (l && l.indexOf(cb) >= 0) l.splice(l.indexOf(cb), 1);
  };
  return api;
}
