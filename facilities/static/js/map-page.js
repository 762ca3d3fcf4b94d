/* The map page: on a phone-sized screen the map comes first and its filters are folded (the <details> element
 * opens them); on a wider screen they stay open. A static file: the page's CSP allows no inline script. */
(function () {
  "use strict";
  var filters = document.getElementById("map-filters");
  if (filters && window.matchMedia("(max-width: 575.98px)").matches) { filters.open = false; }
})();

/* The legend's counts and the number of sites in view: the map's frame posts them after drawing each viewport
 * answer (facilities/static/js/map-viewport.js). Only messages from that frame are read; numbers reach the page
 * as text. */
(function () {
  "use strict";
  var frame = document.getElementById("site-map");
  var legend = document.getElementById("map-legend");
  var inView = document.getElementById("map-in-view");
  if (!frame || !legend) { return; }
  var lang = document.documentElement.lang || undefined;
  function number(n) { return Number(n).toLocaleString(lang); }
  window.addEventListener("message", function (event) {
    var data = event.data;
    if (event.source !== frame.contentWindow || !data || data.type !== "facilities:map-view") { return; }
    if (typeof data.total !== "number" || !data.counts || typeof data.counts !== "object") { return; }
    var items = {}, other = null;
    Array.prototype.forEach.call(legend.querySelectorAll("li[data-category]"), function (li) {
      if (li.hasAttribute("data-grey")) { other = li; } else { items[li.getAttribute("data-category")] = li; }
    });
    var counts = {}, grey = 0;
    Object.keys(data.counts).forEach(function (code) {
      var n = Number(data.counts[code]) || 0;
      if (Object.prototype.hasOwnProperty.call(items, code)) { counts[code] = n; } else { grey += n; }
    });
    Object.keys(items).forEach(function (code) {
      items[code].querySelector("[data-count]").textContent = "(" + number(counts[code] || 0) + ")";
    });
    if (other) {
      other.querySelector("[data-count]").textContent = "(" + number(grey) + ")";
      if (grey) { other.hidden = false; }
    }
    if (inView) { inView.textContent = (inView.getAttribute("data-text") || "{n}").replace("{n}", number(data.total)); }
  });
})();
