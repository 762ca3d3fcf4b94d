/* The map page: on a phone-sized screen the map comes first and its filters are folded (the <details> element
 * opens them); on a wider screen they stay open. A static file: the page's CSP allows no inline script. */
(function () {
  "use strict";
  var filters = document.getElementById("map-filters");
  if (filters && window.matchMedia("(max-width: 575.98px)").matches) { filters.open = false; }
})();
