// First-paint probe (part 3), loaded first in <head> of fp-*.html. On every
// animation frame it checks the page's slots ([data-omo-slot]); it records
//   personalized: performance.now() in the first frame where every slot
//                 carries a personalized variant (data-omo-variant) and is
//                 visible (not visibility:hidden, <html> not opacity:0)
//   defaultShown: the first frame where a slot was visible with its default
//                 content (a flash of the default), or null
//   fcp:          first-contentful-paint from PerformanceObserver
// The frame's paint follows right after the callback, so "personalized" is
// the start of the first frame that paints the personalized page; nextFrame
// is the start of the frame after it (that frame has been produced by then).
(function () {
  var fp = window.__fp = { personalized: null, nextFrame: null, defaultShown: null, fcp: null, frames: 0, variants: null };
  try {
    new PerformanceObserver(function (l) {
      l.getEntries().forEach(function (e) { if (e.name === 'first-contentful-paint') fp.fcp = e.startTime; });
    }).observe({ type: 'paint', buffered: true });
  } catch (e) { /* no paint timing */ }
  function visible(el) {
    return getComputedStyle(el).visibility === 'visible' && getComputedStyle(document.documentElement).opacity !== '0';
  }
  function check() {
    fp.frames++;
    var slots = document.querySelectorAll('[data-omo-slot]');
    if (slots.length && document.readyState !== 'loading') {
      var all = true, anyDefault = false;
      slots.forEach(function (el) {
        var v = visible(el);
        if (!v || !el.hasAttribute('data-omo-variant')) all = false;
        if (v && !el.hasAttribute('data-omo-variant')) anyDefault = true;
      });
      if (anyDefault && fp.defaultShown === null) fp.defaultShown = performance.now();
      if (all) {
        fp.personalized = performance.now();
        requestAnimationFrame(function () { fp.nextFrame = performance.now(); });
        fp.variants = Array.prototype.map.call(slots, function (el) { return el.getAttribute('data-omo-variant'); });
        return;
      }
    }
    if (performance.now() < 10000) requestAnimationFrame(check);
  }
  requestAnimationFrame(check);
})();
