// Boot for the ES module (omotenashi.mjs). Either
//   <script type="module" src="/omotenashi/omotenashi.mjs" data-rules="/rules.json"></script>
// or   import omotenashi, { init } from 'omotenashi'; init({ rules: '/rules.json' });
// The .wasm is found next to this module (import.meta.url). One instance per
// page: when the classic script already made window.omotenashi, that is it.
var omoExisting = typeof window !== 'undefined' && window.omotenashi && window.omotenashi.VERSION ? window.omotenashi : null;
var omoApi = omoExisting || omoCreate(OmotenashiWasm, new URL('omotenashi.wasm', import.meta.url).href);
if (!omoExisting) {
  window.omotenashi = omoApi;
  var omoTag = Array.prototype.filter.call(document.querySelectorAll('script[type="module"][data-rules]'), function (s) {
    return s.src === import.meta.url;
  })[0];
  if (omoTag) {
    omoApi.init({
      rules: omoTag.getAttribute('data-rules'),
      collect: omoTag.getAttribute('data-collect'),
      honorGpc: omoTag.getAttribute('data-honor-gpc') !== 'false',
      hideTimeoutMs: +omoTag.getAttribute('data-hide-timeout') || 0,
      region: omoTag.getAttribute('data-region')
    });
  }
  // Controls connected before this script render now (private to omotenashi-controls.js).
  document.dispatchEvent(new Event('omotenashi-controls:runtime'));
}
export default omoApi;
export var VERSION = omoApi.VERSION;
export var ready = omoApi.ready;
export var init = omoApi.init;
export var consent = omoApi.consent;
export var consentState = omoApi.consentState;
export var setProfile = omoApi.setProfile;
export var track = omoApi.track;
export var decide = omoApi.decide;
export var explain = omoApi.explain;
export var exportData = omoApi.exportData;
export var forget = omoApi.forget;
export var on = omoApi.on;
export var off = omoApi.off;
