// Boot for the classic script tag (omotenashi.js): the whole file is one
// function expression, so the only global it leaves is window.omotenashi.
//   <script src="/omotenashi/omotenashi.js" data-rules="/rules.json" data-collect="/v1/reports"></script>
// The .wasm is found next to this script (document.currentScript.src).
var omoScript = document.currentScript;
if (window.omotenashi && window.omotenashi.VERSION) {
  console.warn('omotenashi: loaded twice; the first copy stays');
} else {
  var omoApi = omoCreate(OmotenashiWasm, new URL('omotenashi.wasm', (omoScript && omoScript.src) || location.href).href);
  window.omotenashi = omoApi;
  if (omoScript && omoScript.hasAttribute('data-rules')) {
    omoApi.init({
      rules: omoScript.getAttribute('data-rules'),
      collect: omoScript.getAttribute('data-collect'),
      honorGpc: omoScript.getAttribute('data-honor-gpc') !== 'false',
      hideTimeoutMs: +omoScript.getAttribute('data-hide-timeout') || 0,
      region: omoScript.getAttribute('data-region')
    });
  }
  // Controls connected before this script render now (private to omotenashi-controls.js).
  document.dispatchEvent(new Event('omotenashi-controls:runtime'));
}
