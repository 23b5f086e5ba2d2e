// The region the page starts with, for Omotenashi's `data-region` attribute:
// the visitor's choice when the URL carries one (?region=hokkaido: the demo
// stores nothing before consent, so a choice made then travels in the URL),
// otherwise a guess from the browser's time zone. A region saved in the
// profile (with consent) wins inside the engine anyway.
//
// This runs before the Omotenashi tag is parsed; a MutationObserver sets the
// attribute on that tag as soon as the parser inserts it, before it runs
// (the parser delivers mutation records before it prepares a script).
(function () {
  'use strict';
  var REGIONS = ['hokkaido', 'tohoku', 'kanto', 'chubu', 'kansai', 'kyushu', 'okinawa', 'sydney'];
  // Japan has one time zone: Tokyo's guess is the Kanto stores. Australia's
  // eastern and central zones go to the Sydney store.
  var ZONES = {
    'Asia/Tokyo': 'kanto', 'Japan': 'kanto',
    'Australia/Sydney': 'sydney', 'Australia/Melbourne': 'sydney', 'Australia/Brisbane': 'sydney',
    'Australia/Canberra': 'sydney', 'Australia/Hobart': 'sydney', 'Australia/Adelaide': 'sydney',
    'Australia/ACT': 'sydney', 'Australia/NSW': 'sydney', 'Australia/Victoria': 'sydney', 'Australia/Queensland': 'sydney'
  };
  var tz = '';
  try { tz = Intl.DateTimeFormat().resolvedOptions().timeZone || ''; } catch (e) { /* none */ }
  var chosen = '';
  try { chosen = new URLSearchParams(location.search).get('region') || ''; } catch (e) { /* none */ }
  if (REGIONS.indexOf(chosen) < 0) chosen = '';
  var guess = ZONES[tz] || '';
  var region = chosen || guess;
  window.omoDemo = { region: region, source: chosen ? 'url' : guess ? 'timezone' : 'none', guess: guess, timeZone: tz, regions: REGIONS };
  if (!region) return;

  function tag(root) {
    var s = root.querySelector && root.querySelector('script[data-rules]');
    if (s && !s.hasAttribute('data-region')) s.setAttribute('data-region', region);
    return !!s;
  }
  if (tag(document)) return;
  var mo = new MutationObserver(function () {
    if (tag(document)) mo.disconnect();
  });
  mo.observe(document.documentElement, { childList: true, subtree: true });
  document.addEventListener('DOMContentLoaded', function () { mo.disconnect(); });
})();
