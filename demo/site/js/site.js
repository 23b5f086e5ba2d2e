// The demo shop's own script: catalog, cart, language, region picker, and
// the parts of the page drawn from Omotenashi's decisions (product cards for
// a decision's items, help buttons for its channel).
//
// What this script stores: nothing, ever. No cookies, no localStorage, no
// sessionStorage. With consent the cart lives in the engine's profile (which
// Omotenashi keeps in IndexedDB); without it, the cart, the language and a
// region choice travel in the page address between pages of this tab. The
// promotions this visitor was shown travel there too, so that the cart
// charges the price they showed.
(function () {
  'use strict';
  var O = window.omotenashi || null;
  var I = window.omoDemoI18n || { ja: {}, en: {}, petJa: {} };
  var R = window.omoDemo || { region: '', source: 'none', guess: '', regions: [] };
  var page = document.body.getAttribute('data-page') || '';
  var pageSku = document.body.getAttribute('data-sku') || '';
  var params = new URLSearchParams(location.search);
  var lang = params.get('lang') === 'ja' || (!params.has('lang') && /^ja\b/i.test(navigator.language || '')) ? 'ja' : 'en';
  var catalog = null;
  var cart = {};          // sku -> quantity
  var order = null;       // the order placed on this page
  // The promotion's words (demo/rules.json, slot promo, variant "studying")
  // promise "10% off this one today": the shop's price for a product whose
  // offer this visitor was shown on a page of this tab.
  var OFFER_VARIANT = 'studying';
  var OFFER_PERCENT = 10;
  var offers = {};        // sku -> true: offers shown (they go along in the address, like a cart before consent)
  var formWaitsForConsent = false;
  var ready = false;
  var $ = function (id) { return document.getElementById(id); };

  // ------------------------------------------------------------- helpers
  function h(tag, attrs, children) {
    var el = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') el.textContent = attrs[k];
      else if (attrs[k] !== null && attrs[k] !== undefined && attrs[k] !== false) el.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) el.appendChild(c); });
    return el;
  }
  function fill(s, vars) {
    return String(s).replace(/\{\{(\w+)\}\}/g, function (_, k) { return vars && vars[k] != null ? vars[k] : ''; });
  }
  function t(key, vars) {
    var s = (lang === 'ja' && I.ja[key]) || I.en[key] || I.ja[key] || key;
    return fill(s, vars);
  }
  function yen(n) { return '¥' + Math.round(n).toLocaleString('en-US'); }
  function offerPrice(price) { return Math.round(price * (100 - OFFER_PERCENT) / 100); }
  function consent() { return O ? O.consentState() : 'pending'; }
  function granted() { return consent() === 'granted'; }
  function stored() {
    if (!O || !granted()) return null;
    try {
      var d = O.exportData();
      return d && d.profile && d.profile.profile || null;
    } catch (e) { return null; }
  }
  function fields() { var s = stored(); return (s && s.fields) || {}; }
  function decision(slot) {
    if (!O || !ready) return null;
    try { return O.decide(slot); } catch (e) { return null; }
  }
  function product(sku) { return catalog && catalog.products[sku]; }
  function nameOf(sku) { var p = product(sku); return p ? p.name[lang] || p.name.en : sku; }
  function regionLabel(r) { return catalog && catalog.regions[r] ? catalog.regions[r][lang] || catalog.regions[r].en : r; }
  function productUrl(sku) { return '/products/' + encodeURIComponent(sku) + '/'; }

  // ------------------------------------------------ state in the address
  // Without consent nothing is stored, so what must survive a page change
  // (language, a chosen region, the cart) goes along in the link. So do the
  // offers shown in this tab, with or without consent: the shop has no server
  // to remember them, and the engine's profile holds no prices.
  function cartString() {
    return Object.keys(cart).filter(function (k) { return cart[k] > 0; }).map(function (k) { return k + '*' + cart[k]; }).join(',');
  }
  function carried(href) {
    var u = new URL(href, location.href);
    if (u.origin !== location.origin || /^\/(dashboard|v1|omotenashi)\b/.test(u.pathname)) return null;
    if (lang === 'ja') u.searchParams.set('lang', 'ja'); else u.searchParams.delete('lang');
    if (!granted() && R.source === 'url' && R.region) u.searchParams.set('region', R.region);
    else u.searchParams.delete('region');
    var parts = [];
    var c = granted() ? '' : cartString();
    if (c) parts.push('cart=' + c);
    var o = Object.keys(offers).join(',');
    if (o) parts.push('offer=' + o);
    if (parts.length) u.hash = parts.join('&');
    else if (/^#(cart|offer)=/.test(u.hash)) u.hash = '';
    return u;
  }
  function syncAddress() {
    var u = carried(location.href);
    if (u && u.href !== location.href) history.replaceState(null, '', u.href);
  }
  document.addEventListener('click', function (ev) {
    var a = ev.target.closest && ev.target.closest('a[href]');
    if (!a || a.target || a.hasAttribute('download')) return;
    var href = a.getAttribute('href');
    if (!href || href.charAt(0) === '#' || /^(mailto|tel):/.test(href)) return;
    var u = carried(a.href);
    if (u) a.href = u.href;
  }, true);
  function cartFromAddress() {
    var m = /(?:^#|&)cart=([^&]*)/.exec(location.hash);
    var c = {};
    if (m) {
      decodeURIComponent(m[1]).split(',').forEach(function (part) {
        var kv = part.split('*');
        var q = parseInt(kv[1], 10);
        if (kv[0] && q > 0 && q < 100) c[kv[0]] = q;
      });
    }
    return c;
  }
  function offersFromAddress() {
    var m = /(?:^#|&)offer=([^&]*)/.exec(location.hash);
    var o = {};
    if (m) decodeURIComponent(m[1]).split(',').forEach(function (sku) { if (/^[\w-]+$/.test(sku)) o[sku] = true; });
    return o;
  }

  // ------------------------------------------------------------ language
  var originals = new WeakMap();
  function applyLanguage() {
    document.documentElement.lang = lang;
    document.querySelectorAll('[data-i18n]').forEach(function (el) {
      if (!originals.has(el)) originals.set(el, el.textContent);
      var k = el.getAttribute('data-i18n');
      el.textContent = lang === 'ja' && I.ja[k] ? I.ja[k] : originals.get(el);
    });
    applyAttributes();
    document.querySelectorAll('[data-catalog-name]').forEach(function (el) { el.textContent = nameOf(el.getAttribute('data-catalog-name')); });
    document.querySelectorAll('[data-catalog-alt]').forEach(function (el) { el.alt = nameOf(el.getAttribute('data-catalog-alt')); });
    document.querySelectorAll('[data-catalog-blurb]').forEach(function (el) {
      var p = product(el.getAttribute('data-catalog-blurb'));
      if (p) el.textContent = p.blurb[lang] || p.blurb.en;
    });
    var b = $('lang-toggle');
    if (b) {
      b.textContent = lang === 'ja' ? 'English' : '日本語';
      b.setAttribute('lang', lang === 'ja' ? 'en' : 'ja');
    }
    if (pageSku && product(pageSku)) document.title = nameOf(pageSku) + ' · ' + (lang === 'ja' ? I.ja.brand : 'Omotenashi Pet Supply');
  }
  // Attributes too: data-i18n-alt="key" (or -placeholder, -aria-label) names
  // the key, the English is the attribute as written. A picture of a slot
  // that the engine personalized (data-omo-variant) has the rules' alt,
  // already in the page's language; when it shows its own picture again
  // (forget, another pet), the page redraws (the slot's attributes are
  // watched) and its alt follows.
  var I18N_ATTRS = ['placeholder', 'alt', 'aria-label'];
  var attrOriginals = {};   // attribute -> WeakMap(element -> its English)
  function applyAttributes() {
    I18N_ATTRS.forEach(function (a) {
      var english = attrOriginals[a] || (attrOriginals[a] = new WeakMap());
      document.querySelectorAll('[data-i18n-' + a + ']').forEach(function (el) {
        if (el.hasAttribute('data-omo-variant')) return;
        if (!english.has(el)) english.set(el, el.getAttribute(a) || '');
        var k = el.getAttribute('data-i18n-' + a);
        el.setAttribute(a, lang === 'ja' && I.ja[k] ? I.ja[k] : english.get(el));
      });
    });
  }
  function setStatus(key, warn) {
    var st = $('form-status');
    if (!st) return;
    st.setAttribute('data-key', key || '');
    st.textContent = key ? t(key) : '';
    st.classList.toggle('warn', !!warn);
  }
  function toggleLanguage() {
    lang = lang === 'ja' ? 'en' : 'ja';
    applyLanguage();
    var st = $('form-status');
    if (st && st.getAttribute('data-key')) st.textContent = t(st.getAttribute('data-key'));
    syncAddress();
    renderAll();
  }

  // -------------------------------------------------------------- region
  function currentRegion() {
    var f = fields();
    if (f.region) return { region: f.region, source: 'profile' };
    return { region: R.region, source: R.source };
  }
  function renderRegion() {
    var sel = $('region-select');
    var cur = currentRegion();
    if (sel) {
      sel.replaceChildren();
      if (!cur.region) sel.appendChild(h('option', { value: '', text: t('region.choose'), disabled: '', selected: '' }));
      Object.keys(catalog.regions).forEach(function (r) {
        sel.appendChild(h('option', { value: r, text: regionLabel(r), selected: r === cur.region ? '' : null }));
      });
      sel.value = cur.region || '';
    }
    var src = $('region-source');
    if (src) {
      var key = cur.source === 'profile' ? 'region.profile' : cur.source === 'url' ? 'region.url' : cur.source === 'timezone' ? 'region.guessed' : '';
      src.textContent = key ? t(key, { region: regionLabel(cur.region) }) : '';
    }
    var fr = $('f-region');
    if (fr && fr.getAttribute('data-lang') !== lang) {
      // Rebuilt only when the language changes: never under the visitor's hands.
      var keepValue = fr.value;
      var keep = fr.options[0];
      keep.textContent = lang === 'ja' ? I.ja['form.regionNone'] : originals.get(keep) || keep.textContent;
      fr.replaceChildren(keep);
      Object.keys(catalog.regions).forEach(function (r) { fr.appendChild(h('option', { value: r, text: regionLabel(r) })); });
      fr.value = keepValue;
      fr.setAttribute('data-lang', lang);
    }
  }
  function chooseRegion(r) {
    if (!r) return;
    if (granted() && O) {
      O.setProfile({ region: r }).then(function () {
        // The form's (folded) region follows, or saving the form for a name
        // would send its stale "guess from my time zone" and erase this choice.
        var fr = $('f-region');
        if (fr) fr.value = r;
        renderAll();
      }, function (e) { console.warn(e.message); });
      return;
    }
    // Not stored: the choice goes in the address, and the page starts again with it.
    R = { region: r, source: 'url', guess: R.guess, regions: R.regions };
    var u = carried(location.href);
    location.assign(u.href);
  }

  // ----------------------------------------------------------------- cart
  function cartCount() { return Object.keys(cart).reduce(function (n, k) { return n + cart[k]; }, 0); }
  function loadCart() {
    var s = stored();
    if (s) {
      cart = {};
      var c = (s.behavior && s.behavior.cart) || {};
      Object.keys(c).forEach(function (k) { if (c[k] > 0) cart[k] = c[k]; });
    } else if (!granted()) {
      cart = cartFromAddress();
    }
  }
  function cartChanged() {
    syncAddress();
    renderCartCount();
    if (page === 'cart') renderCart();
  }
  function renderCartCount() {
    var el = $('cart-count');
    if (!el) return;
    var n = cartCount();
    el.textContent = String(n);
    el.setAttribute('data-count', String(n));
  }
  function renderCart() {
    var lines = $('cart-lines');
    if (!lines) return;
    lines.replaceChildren();
    var subtotal = 0, discount = 0;
    Object.keys(cart).forEach(function (sku) {
      var p = product(sku);
      if (!p) return;
      var q = cart[sku];
      var full = p.price * q;
      // The price the promotion showed this visitor, for this product only.
      var paid = offers[sku] ? offerPrice(p.price) * q : full;
      subtotal += full;
      discount += full - paid;
      lines.appendChild(h('li', { class: 'cart-line', 'data-sku': sku }, [
        h('img', { src: '/img/products/' + sku + '.svg', alt: '' }),
        h('div', {}, [
          h('a', { class: 'name', href: productUrl(sku), text: nameOf(sku) }),
          h('div', { class: 'qty', text: t('cart.qty', { n: q }) + ' · ' }, paid < full
            ? [h('s', { text: yen(full) }), document.createTextNode(' ' + yen(paid))]
            : [document.createTextNode(yen(full))]),
          paid < full ? h('div', { class: 'offer', text: t('cart.offer', { pct: OFFER_PERCENT }) }) : null
        ]),
        h('button', { type: 'button', class: 'btn small secondary', 'data-omo-event': 'remove_from_cart', 'data-omo-item': sku,
          'data-omo-quantity': String(q), 'data-remove': sku, text: t('cart.remove') })
      ]));
    });
    var empty = subtotal === 0;
    $('cart-empty').hidden = !empty || !!order;
    $('cart-layout').hidden = !!order && empty;
    var delivery = empty || subtotal - discount >= 5000 ? 0 : 500;
    $('cart-subtotal').textContent = yen(subtotal);
    $('cart-discount').textContent = '\u2212' + yen(discount);
    $('cart-discount').hidden = $('cart-discount-label').hidden = !discount;
    $('cart-delivery').textContent = delivery ? yen(delivery) : t('cart.free');
    $('cart-total').textContent = yen(subtotal - discount + delivery);
    $('checkout').disabled = empty;
    $('cart-summary').hidden = empty;
    var memory = { granted: 'cart.memoryGranted', denied: 'cart.memoryPage', pending: 'cart.memoryPending' }[consent()];
    $('cart-memory').textContent = empty ? '' : t(memory);
    var done = $('order-done');
    done.hidden = !order;
    if (order) {
      $('order-number').textContent = order.number;
      var ol = $('order-lines');
      ol.replaceChildren();
      Object.keys(order.lines).forEach(function (sku) {
        ol.appendChild(h('li', { class: 'cart-line' }, [
          h('img', { src: '/img/products/' + sku + '.svg', alt: '' }),
          h('div', {}, [h('span', { class: 'name', text: nameOf(sku) }), h('div', { class: 'qty', text: t('cart.qty', { n: order.lines[sku] }) })]),
          h('span', {})
        ]));
      });
    }
  }
  function placeOrder() {
    if (!cartCount()) return;
    var n = new Uint32Array(1);
    crypto.getRandomValues(n);
    order = { number: 'OMO-' + String(100000 + n[0] % 900000), lines: cart };
    // An offer is used by the order that paid its price.
    Object.keys(cart).forEach(function (sku) { delete offers[sku]; });
    cart = {};
    cartChanged();
  }

  // ---------------------------------------------------- decision-driven parts
  function card(sku, extra) {
    var p = product(sku);
    if (!p) return null;
    return h('a', { class: 'card', href: productUrl(sku), 'data-card': sku }, [
      h('img', { src: '/img/products/' + sku + '.svg', alt: nameOf(sku), width: '400', height: '300' }),
      h('div', { class: 'body' }, [
        extra ? h('span', { class: 'tag', text: extra }) : null,
        h('span', { class: 'name', text: nameOf(sku) }),
        h('span', { class: 'price', text: yen(p.price) })
      ])
    ]);
  }
  function petTile(pet) {
    var first = Object.keys(catalog.products).filter(function (k) { return catalog.products[k].pet === pet; })[0];
    return h('a', { class: 'card pet-tile', href: first ? productUrl(first) : '#shop' }, [
      h('img', { src: '/img/pet-' + pet + '.svg', alt: '' }),
      h('span', { class: 'name', text: catalog.pets[pet][lang] })
    ]);
  }
  function renderSeasonal() {
    var box = $('seasonal-items');
    if (!box) return;
    var d = decision('seasonal');
    box.replaceChildren();
    var note = $('seasonal-note');
    if (d && d.variant !== 'default' && d.items && d.items.length) {
      box.setAttribute('data-variant', d.variant);
      d.items.forEach(function (sku) { var c = card(sku); if (c) box.appendChild(c); });
      var r = currentRegion().region;
      note.textContent = r ? t('seasonal.region', { region: regionLabel(r) }) : '';
    } else {
      box.setAttribute('data-variant', 'default');
      Object.keys(catalog.pets).forEach(function (pet) { box.appendChild(petTile(pet)); });
      note.textContent = t('seasonal.default');
    }
  }
  function renderAlsoLike() {
    var box = $('also-like-items');
    if (!box) return;
    var d = decision('also-like');
    box.replaceChildren();
    // The product on this very page is not suggested to itself.
    if (d && d.variant !== 'default' && d.items) d.items.forEach(function (sku) { var c = sku !== pageSku && card(sku); if (c) box.appendChild(c); });
  }
  function renderPromo() {
    var out = $('promo-price');
    if (!out) return;
    out.replaceChildren();
    var d = decision('promo');
    var sku = d && d.variant !== 'default' && d.items && d.items[0];
    if (!sku || !product(sku)) return;
    var p = product(sku);
    // Shown to this visitor: the runtime painted the offer's words in this
    // page's promo block. From now on the cart charges the offered price.
    var slot = document.querySelector('[data-omo-slot="promo"]');
    if (d.variant === OFFER_VARIANT && slot && slot.getAttribute('data-omo-variant') === d.variant && !offers[sku]) {
      offers[sku] = true;
      syncAddress();
    }
    if (sku === pageSku) {
      out.appendChild(h('s', { text: yen(p.price) }));
      out.appendChild(document.createTextNode(' ' + t('promo.price', { price: yen(offerPrice(p.price)) })));
    } else {
      out.appendChild(h('a', { href: productUrl(sku), text: t('promo.other', { name: nameOf(sku) }) }));
    }
  }
  function renderHelp() {
    var box = $('help-actions');
    if (!box) return;
    box.replaceChildren();
    var d = decision('help');
    var banner = $('help-banner');
    banner.classList.toggle('urgent', !!(d && d.variant === 'urgent-help'));
    if (!d || d.variant === 'default') return;
    var ch = d.channel || 'chat';
    if (d.variant === 'urgent-help') {
      box.appendChild(h('a', { class: 'btn', href: 'tel:0120000000', 'data-help': 'urgent', text: t('help.urgent') }));
    } else if (ch === 'phone') {
      box.appendChild(h('a', { class: 'btn teal', href: 'tel:0120000000', 'data-help': 'phone', text: t('help.phone') }));
    } else if (ch === 'email') {
      box.appendChild(h('a', { class: 'btn teal', href: 'mailto:help@petshop.example', 'data-help': 'email', text: t('help.email') }));
    } else {
      var b = h('button', { type: 'button', class: 'btn teal', 'data-help': 'chat', text: t('help.chat') });
      b.addEventListener('click', function () {
        b.disabled = true;
        b.textContent = lang === 'ja' ? 'スタッフにおつなぎしています…（デモ）' : 'Connecting you to a person from your store… (demo)';
      });
      box.appendChild(b);
    }
  }
  function renderAllProducts() {
    var box = $('all-products');
    if (!box) return;
    box.replaceChildren();
    Object.keys(catalog.products).forEach(function (sku) {
      var c = card(sku, catalog.pets[catalog.products[sku].pet] ? catalog.pets[catalog.products[sku].pet][lang] : '');
      if (c) box.appendChild(c);
    });
  }
  function renderWhyList() {
    var list = $('why-list');
    if (!list) return;
    list.replaceChildren();
    ['greeting', 'hero', 'seasonal', 'promo', 'after-purchase', 'also-like', 'help'].forEach(function (slot) {
      var d = decision(slot);
      var now = d && d.variant !== 'default' ? (typeof d.text === 'string' ? d.text : d.variant) : t('why.default');
      if (d && d.items && d.items.length && d.variant !== 'default') now += ' — ' + d.items.map(nameOf).join(lang === 'ja' ? '、' : ', ');
      list.appendChild(h('li', { 'data-why': slot }, [
        h('b', { text: t('why.slot.' + slot) }),
        h('p', { class: 'now', text: now }),
        h('p', { class: 'explain', text: O && ready ? O.explain(slot) : '' })
      ]));
    });
  }
  function renderConsent() {
    var s = consent();
    // Without consent nothing is remembered from page to page, so a capped
    // question ("You may also like") could not be asked rarely: not shown.
    document.documentElement.setAttribute('data-consent', s);
    var pill = $('consent-state');
    if (pill) { pill.setAttribute('data-state', s); pill.textContent = t('state.' + s); }
    var banner = $('consent-banner');
    if (banner) hideKeepingFocus(banner, !O || s !== 'pending', pill && pill.parentNode);
    var ask = $('form-consent');
    if (ask) hideKeepingFocus(ask, !(formWaitsForConsent && s === 'pending'), document.querySelector('#profile-form [type="submit"]'));
  }
  // A choice made with the keyboard hides the buttons it was made with: the
  // focus moves on to where the choice shows (the footer's "Personalization:
  // on", the form's Save) instead of falling to <body>.
  function hideKeepingFocus(el, hide, next) {
    var a = document.activeElement;
    if (hide && !el.hidden && next && a && el.contains(a) && a.matches(':focus-visible')) {
      if (!next.matches('button, a[href], input, select')) next.tabIndex = -1;
      next.focus();
    }
    el.hidden = hide;
  }
  function fillForm() {
    var form = $('profile-form');
    if (!form) return;
    var f = fields();
    if (!granted()) return;
    if (f.name != null) form.elements.name.value = f.name;
    Array.prototype.forEach.call(form.querySelectorAll('input[name="pet"]'), function (r) { r.checked = r.value === f.pet; });
    form.elements.channel.value = f.channel || '';
    form.elements.region.value = f.region || '';
  }

  var rendering = false;
  function renderAll() {
    if (!catalog || rendering) return;
    rendering = true;
    try {
      applyAttributes();
      renderConsent();
      renderRegion();
      renderCartCount();
      renderSeasonal();
      if (!document.querySelector('#all-products > *') || renderAll.langWas !== lang) renderAllProducts();
      renderAll.langWas = lang;
      renderAlsoLike();
      renderPromo();
      renderHelp();
      renderWhyList();
      if (page === 'cart') renderCart();
    } finally { rendering = false; }
  }
  var scheduled = 0;
  function scheduleRender() {
    if (scheduled) return;
    scheduled = setTimeout(function () { scheduled = 0; renderAll(); }, 0);
  }

  // --------------------------------------------------------------- events
  function wire() {
    var lt = $('lang-toggle');
    if (lt) lt.addEventListener('click', toggleLanguage);
    var sel = $('region-select');
    if (sel) sel.addEventListener('change', function () { chooseRegion(sel.value); });

    document.addEventListener('click', function (ev) {
      var t0 = ev.target;
      if (!t0.closest) return;
      var add = t0.closest('#add-to-cart');
      if (add) {
        var sku = add.getAttribute('data-omo-item');
        cart[sku] = (cart[sku] || 0) + 1;
        $('added').hidden = false;
        cartChanged();
        return;
      }
      var rm = t0.closest('[data-remove]');
      if (rm) {
        delete cart[rm.getAttribute('data-remove')];
        cartChanged();
        return;
      }
      if (t0.closest('#checkout')) placeOrder();
    });

    var form = $('profile-form');
    if (form) {
      form.addEventListener('submit', function (ev) {
        ev.preventDefault();   // Omotenashi stores the fields (with consent); the page stays
        var s = consent();
        if (s === 'pending') {
          formWaitsForConsent = true;
          setStatus('form.notSaved', true);
        } else if (s === 'denied') {
          setStatus('form.deniedNote', true);
        }
        renderConsent();
      });
      // Omotenashi marks the form when it stored the fields, or names the problem.
      new MutationObserver(function () {
        var err = form.getAttribute('data-omo-error');
        if (err) { setStatus('', true); $('form-status').textContent = err; }
        else if (form.hasAttribute('data-omo-saved') && granted()) setStatus('form.saved', false);
        scheduleRender();
      }).observe(form, { attributes: true, attributeFilter: ['data-omo-saved', 'data-omo-error'] });
    }

    document.addEventListener('omotenashi:decision', scheduleRender);
    document.addEventListener('omotenashi:consent', function (ev) {
      var d = ev.detail || {};
      if (d.state === 'granted' && d.previous !== 'granted') {
        // What the visitor put in the cart before saying yes becomes part of the profile.
        Object.keys(cart).forEach(function (sku) { try { O.track('add_to_cart', { sku: sku, quantity: cart[sku] }); } catch (e) { /* ignore */ } });
        if (formWaitsForConsent && form) {
          formWaitsForConsent = false;
          form.requestSubmit();
        }
      }
      if (d.previous === 'forget') {
        // Back to a first visit: nothing of this visit is kept by the page either.
        cart = {};
        offers = {};
        order = null;
        if (R.source === 'url') R = { region: R.guess, source: R.guess ? 'timezone' : 'none', guess: R.guess, regions: R.regions };
        if (form) form.reset();
        setStatus('', false);
        cartChanged();
      }
      if (d.state === 'denied') formWaitsForConsent = false;
      syncAddress();
      scheduleRender();
    });
    // The engine repaints a slot when its decision changes, also without a
    // new variant (items after a purchase, a name in the greeting).
    var mo = new MutationObserver(scheduleRender);
    document.querySelectorAll('[data-omo-slot]').forEach(function (el) {
      mo.observe(el, { attributes: true, attributeFilter: ['data-omo-variant', 'data-omo-items'], childList: true, subtree: true, characterData: true });
    });
  }

  function start() {
    applyLanguage();
    wire();
    cart = cartFromAddress();
    offers = offersFromAddress();
    fetch('/data/catalog.json').then(function (r) { return r.json(); }).then(function (c) {
      catalog = c;
      applyLanguage();
      if (!O) { renderAll(); return; }
      renderAll();
      return O.ready.then(function () {
        ready = true;
        loadCart();
        if (page === 'cart' && granted()) {
          try { O.track('cart_view'); } catch (e) { /* ignore */ }
        }
        fillForm();
        syncAddress();
        renderAll();
        document.documentElement.setAttribute('data-demo-ready', '');
      });
    }).catch(function (e) { console.error('demo: ' + e.message); });
  }
  start();
})();
