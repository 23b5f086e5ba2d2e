// A minimal IAB TCF v2.2 CMP stand-in: the test sets window.__tcfConsents
// (publisher purpose -> boolean) and window.__tcfPurposes (vendor purposes)
// before this runs, or later through __tcfUpdate().
(function () {
  var listeners = [];
  function data(status) {
    return { tcString: 'x', gdprApplies: true, eventStatus: status, cmpStatus: 'loaded',
      purpose: { consents: window.__tcfPurposes || {} }, publisher: { consents: window.__tcfConsents || {} } };
  }
  window.__tcfapi = function (cmd, version, cb) {
    if (cmd === 'addEventListener') { listeners.push(cb); cb(data('tcloaded'), true); }
  };
  window.__tcfUpdate = function (consents) {
    window.__tcfConsents = consents;
    listeners.forEach(function (cb) { cb(data('useractioncomplete'), true); });
  };
})();
