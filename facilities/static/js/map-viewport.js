/* The sites of the map, loaded per viewport: on each pan or zoom the map asks the viewport endpoint
 * (GET /api/v1/map/viewport?bbox=…&zoom=…&<the page's filters>) for what it shows, and draws the answer: clusters
 * (one per grid cell, counted by the server, ringed with the share of each colour) or the sites themselves.
 *
 * Loaded in the map's frame after gis/static/sitemap.js, which drew folium's map (window.gisMap) and gave it an
 * empty layer for the sites (map.gisSitesLayer). Its settings are the "viewport" object of the frame's JSON data
 * element. A static file: nothing here is generated per request, and every text from the data reaches the DOM
 * as a text node (textContent), never as HTML.
 */
(function () {
  "use strict";

  var island = document.getElementById("gis-map-data");
  var map = window.gisMap;
  if (!island || !map) { return; }
  var spec = JSON.parse(island.textContent).viewport;
  if (!spec) { return; }
  var layer = map.gisSitesLayer || L.layerGroup().addTo(map);
  var t = spec.labels || {};

  function touchSized() {
    var width = window.innerWidth;
    try { width = window.parent.innerWidth || width; } catch (e) { /* another origin: the frame's own */ }
    return width < 576 || (window.matchMedia && window.matchMedia("(pointer: coarse)").matches);
  }
  // Markers a finger can tap (about 9 mm), smaller on a desktop screen.
  var touch = touchSized();
  var markerSize = touch ? 26 : 18;

  function colorOf(code) {
    return Object.prototype.hasOwnProperty.call(spec.colors, code) ? spec.colors[code] : spec.other;
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  // ---------------------------------------------------------------- popups, built as DOM nodes

  function line(parent, label, value) {
    if (value === undefined || value === null || value === "") { return; }
    var row = element("div", "gis-popup-row");
    if (label) { row.appendChild(element("b", "", label + " ")); }
    row.appendChild(document.createTextNode(String(value)));
    parent.appendChild(row);
  }

  function siteUrl(site) {
    return spec.siteUrl[0] + site.id + spec.siteUrl[1];
  }

  function popupContent(site) {
    var root = element("div", "gis-popup");
    root.appendChild(element("strong", "", site.n));
    line(root, null, site.a);
    var names = (site.s || []).map(function (code) { return spec.services[code] || code; });
    line(root, t.services, names.join(", "));
    var figures = element("div", "gis-popup-figures");
    root.appendChild(figures);
    var url = siteUrl(site);
    if (/^\/(?!\/)/.test(url)) {  // a path of this site only: never a "javascript:" or foreign link
      var link = element("a", "", t.open_site);
      link.href = url;
      link.target = "_top";
      root.appendChild(link);
    }
    return root;
  }

  function loadFigures(site, root) {
    var figures = root.querySelector(".gis-popup-figures");
    if (!spec.figuresSuffix || !figures || figures.childNodes.length) { return; }
    fetch(siteUrl(site) + spec.figuresSuffix, {credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (d) {
        if (!d || figures.childNodes.length) { return; }
        line(figures, t.floors, d.floors);
        line(figures, t.workstations, d.workstations);
        line(figures, t.medical_cabinets, d.medical_cabinets);
      })
      .catch(function () { /* the popup keeps what it has: name, address, services, link */ });
  }

  // ---------------------------------------------------------------- markers and clusters

  function siteMarker(site) {
    var dot = element("span", "gis-site-dot");
    dot.style.backgroundColor = colorOf(site.c);  // a style property, not an attribute: allowed by the CSP
    var marker = L.marker([site.lat, site.lon], {
      icon: L.divIcon({className: "gis-site", html: dot, iconSize: [markerSize, markerSize]}),
      title: site.n, keyboard: true, riseOnHover: true
    });
    var content = null;
    marker.bindPopup(function () {
      content = content || popupContent(site);
      return content;
    }, {maxWidth: touch ? 240 : 320, autoPanPaddingTopLeft: [56, 24], autoPanPaddingBottomRight: [16, 24]});
    marker.on("popupopen", function () { loadFigures(site, content); });
    return marker;
  }

  // The ring shows each colour's share of the cluster's sites; the disc, their number.
  function ring(counts, total) {
    var stops = [], start = 0;
    spec.order.forEach(function (code) {
      var n = 0;
      // Grey, the last of the order: every code outside the palette.
      if (!Object.prototype.hasOwnProperty.call(spec.colors, code)) {
        Object.keys(counts).forEach(function (c) { if (!Object.prototype.hasOwnProperty.call(spec.colors, c)) { n += counts[c]; } });
      } else { n = counts[code] || 0; }
      if (!n) { return; }
      var end = start + 360 * n / total;
      stops.push(colorOf(code) + " " + start.toFixed(1) + "deg " + end.toFixed(1) + "deg");
      start = end;
    });
    return stops.length ? "conic-gradient(" + stops.join(", ") + ")" : spec.other;
  }

  function clusterMarker(cluster) {
    var size = cluster.n < 10 ? 34 : cluster.n < 100 ? 40 : cluster.n < 1000 ? 46 : 52;
    var outer = element("div", "gis-ring");
    outer.style.background = ring(cluster.counts, cluster.n);
    outer.appendChild(element("span", "", cluster.n));
    var title = (t.cluster || "{n}").replace("{n}", cluster.n);
    // A colouring by severity (safety): the worst category present is counted on a badge, so that a few sites to
    // look at are seen inside a cluster of thousands.
    var worst = (spec.severity || []).filter(function (code) { return cluster.counts[code]; })[0];
    if (worst) {
      var badge = element("b", "gis-badge", cluster.counts[worst]);
      badge.style.backgroundColor = colorOf(worst);
      outer.appendChild(badge);
      title += " (" + (spec.categoryLabels[worst] || worst) + ": " + cluster.counts[worst] + ")";
    }
    var marker = L.marker([cluster.lat, cluster.lon], {
      icon: L.divIcon({className: "marker-cluster gis-cluster gis-vcluster", html: outer, iconSize: [size, size]}),
      title: title, keyboard: true, zIndexOffset: worst ? 1000 : 0  // a badge is never under a neighbour
    });
    marker.on("click", function () {
      map.setView([cluster.lat, cluster.lon], Math.min(map.getZoom() + 2, map.getMaxZoom()));
    });
    return marker;
  }

  // ---------------------------------------------------------------- a message when loading fails

  var notice = L.control({position: "bottomleft"});
  notice.onAdd = function () {
    var div = element("div", "gis-legend gis-notice", t.loading_failed);
    div.setAttribute("role", "status");
    div.hidden = true;
    return div;
  };
  notice.addTo(map);
  function showFailure(failed) { notice.getContainer().hidden = !failed; }

  // ---------------------------------------------------------------- loading on each move

  function clamp(value, low, high) { return Math.min(Math.max(value, low), high); }

  function viewportUrl() {
    var bounds = map.getBounds();
    var params = new URLSearchParams(spec.params || {});
    var box = [clamp(bounds.getWest(), -180, 180), clamp(bounds.getSouth(), -90, 90),
               clamp(bounds.getEast(), -180, 180), clamp(bounds.getNorth(), -90, 90)];
    params.set("bbox", box.map(function (v) { return v.toFixed(6); }).join(","));
    params.set("zoom", String(Math.round(map.getZoom())));
    return spec.url + "?" + params.toString();
  }

  var drawn = 0;
  function draw(answer) {
    layer.clearLayers();
    answer.clusters.forEach(function (c) { layer.addLayer(clusterMarker(c)); });
    answer.sites.forEach(function (s) { layer.addLayer(siteMarker(s)); });
    map.getContainer().setAttribute("data-sites-mode", answer.mode);
    // The page beside the frame counts the sites in view in its legend (map-page.js checks the sender).
    if (window.parent !== window) {
      window.parent.postMessage({type: "facilities:map-view", total: answer.total, counts: answer.counts},
                                window.origin && window.origin !== "null" ? window.origin : "*");
    }
    drawn += 1;
    map.getContainer().setAttribute("data-answers", String(drawn));  // how many views were drawn (for tests)
  }

  var asked = 0, controller = null, timer = null;
  function load() {
    asked += 1;
    var mine = asked;
    if (controller) { controller.abort(); }
    controller = window.AbortController ? new AbortController() : null;
    map.getContainer().setAttribute("aria-busy", "true");
    fetch(viewportUrl(), {credentials: "same-origin", headers: {Accept: "application/json"},
                          signal: controller ? controller.signal : undefined})
      .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); })
      .then(function (answer) {
        if (mine !== asked) { return; }
        draw(answer);
        showFailure(false);
        map.getContainer().setAttribute("aria-busy", "false");
      })
      .catch(function (error) {
        if (error && error.name === "AbortError") { return; }
        if (mine === asked) { showFailure(true); map.getContainer().setAttribute("aria-busy", "false"); }
      });
  }

  // A popup open on a marker stays while the map moves under it (its autopan too): the view is loaded again when
  // it closes.
  var popupOpen = false, stale = false;
  map.on("moveend", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { if (popupOpen) { stale = true; } else { load(); } }, 150);
  });
  map.on("popupopen", function () { popupOpen = true; });
  map.on("popupclose", function () {
    popupOpen = false;
    if (stale) { stale = false; load(); }
  });
  load();
})();
