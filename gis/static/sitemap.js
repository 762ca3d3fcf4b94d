/* The sites web map, drawn by Leaflet and leaflet.markercluster from the JSON that gis.webmap writes.
 *
 * The page holds the data in <script type="application/json" id="gis-map-data">; folium created the Leaflet
 * map (the global variable named by spec.mapName, on the element of the same id) before this file runs.
 * Nothing here is generated per request.
 * Every text that comes from the data reaches the DOM escaped (popups, tooltips) or as a text node (legends).
 * The map object is window.gisMap once drawn.
 */
(function () {
  "use strict";

  function esc(v) {
    return String(v).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
    });
  }

  // A finger, or a phone-sized page: the map sits in a frame, so ask the page around it for its width.
  function touchSized() {
    var width = window.innerWidth;
    try { width = window.parent.innerWidth || width; } catch (e) { /* another origin: the frame's own */ }
    return width < 576 || (window.matchMedia && window.matchMedia("(pointer: coarse)").matches);
  }

  // ------------------------------------------------------------------ sites: circle markers and popups

  // spec: {data (one MultiPoint feature, per-site columns), colors, services, labels, urlPrefix, figuresSuffix}
  function sitesLayer(spec) {
    var colors = spec.colors, services = spec.services, t = spec.labels;
    var urlPrefix = spec.urlPrefix, figuresSuffix = spec.figuresSuffix;
    var loaded = {};  // figures fetched when a popup opened, by point index
    function col(p, key, k) {
      var v = p[key] ? p[key][k] : null;
      if ((v === undefined || v === null) && loaded[k]) { v = loaded[k][key]; }
      return v === undefined ? null : v;
    }
    function hasService(s, i) {
      return Array.isArray(s) ? s.indexOf(i) >= 0 : (s & (1 << i)) !== 0;
    }
    function row(label, value) {
      return value == null || value === "" ? "" : "<br><b>" + esc(label) + "</b> " + esc(value);
    }
    function render(p, k) {
      var h = '<div class="gis-popup"><strong>' + esc(p.n[k]) + "</strong>";
      var a = col(p, "a", k), s = col(p, "s", k), u = col(p, "u", k);
      if (a != null) { h += "<br>" + esc(a); }
      if (s != null) {
        var names = [];
        for (var i = 0; i < services.length; i++) { if (hasService(s, i)) { names.push(services[i]); } }
        h += row(t.services, names.join(", "));
      }
      h += row(t.floors, col(p, "f", k)) + row(t.workstations, col(p, "w", k)) +
        row(t.medical_cabinets, col(p, "m", k));
      if (u != null) {
        var url = urlPrefix + u;
        // Only same-site paths or http(s) links: a "javascript:" URL must never become a link.
        if (/^(https?:\/\/|\/(?!\/))/i.test(url)) {
          h += '<br><a href="' + esc(url) + '" target="_top">' + esc(t.open_site) + "</a>";
        }
      }
      return h + "</div>";
    }
    function loadFigures(p, k, popup) {
      var u = col(p, "u", k);
      if (!figuresSuffix || u == null || loaded[k]) { return; }
      fetch(urlPrefix + u + figuresSuffix, {credentials: "same-origin", headers: {Accept: "application/json"}})
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (d) {
          if (!d) { return; }
          loaded[k] = {f: d.floors, w: d.workstations, m: d.medical_cabinets};
          popup.setContent(render(p, k));
        })
        .catch(function () { /* the popup keeps what it has: name, address, services, link */ });
    }
    // Markers a finger can tap on a phone-sized map (about 9 mm across), smaller on a desktop screen.
    var radius = touchSized() ? 11 : 7;
    // Leaflet calls pointToLayer once per point of a MultiPoint, in order: count to index the columns.
    var current = null, k = -1;
    return L.geoJSON(spec.data, {
      pointToLayer: function (feature, latlng) {
        if (feature !== current) { current = feature; k = -1; }
        k += 1;
        var p = feature.properties, i = k;
        var marker = L.circleMarker(latlng, {
          radius: radius, weight: 1.5, color: "#333333", fillOpacity: 0.9,
          fillColor: colors[p.c[i]] || colors[colors.length - 1]
        });
        // The popup pans clear of the zoom buttons and the map's edges, and fits a phone's width.
        marker.bindPopup(function () { return render(p, i); }, {
          maxWidth: touchSized() ? 240 : 320, autoPanPaddingTopLeft: [56, 24],
          autoPanPaddingBottomRight: [16, 24]
        });
        marker.on("popupopen", function (e) { loadFigures(p, i, e.popup); });
        marker.bindTooltip(function () { return esc(p.n[i]); });
        return marker;
      }
    });
  }

  // ------------------------------------------------------------------ communes: the choropleth

  // spec: {data (features with properties n = name, v = value or null), breaks, colors, texts}
  function choroplethLayer(spec) {
    var breaks = spec.breaks, colors = spec.colors, t = spec.texts;
    function colorFor(v) {
      if (v == null) { return t.neutral; }
      for (var i = 0; i < colors.length; i++) { if (v <= breaks[i + 1]) { return colors[i]; } }
      return colors[colors.length - 1];
    }
    return L.geoJSON(spec.data, {
      style: function (f) {
        return {fillColor: colorFor(f.properties.v), color: "#555555", weight: 1, fillOpacity: 0.55};
      },
      onEachFeature: function (f, layer) {
        layer.bindTooltip(function () {
          var v = f.properties.v;
          return "<strong>" + esc(f.properties.n) + "</strong><br>" + esc(t.label) + ": " +
            esc(v == null ? t.no_value : v.toFixed(t.decimals).replace(".", t.decimalMark || ".") + t.unit);
        });
      }
    });
  }

  // ------------------------------------------------------------------ communes: outlines only

  // spec: {data (features with properties n = name)}: where the communes are, with their names on hover.
  function outlinesLayer(spec) {
    return L.geoJSON(spec.data, {
      style: function () { return {color: "#4a5568", weight: 1, opacity: 0.8, fill: false}; },
      onEachFeature: function (f, layer) {
        layer.bindTooltip(function () { return esc(f.properties.n); }, {sticky: true});
      }
    });
  }

  // ------------------------------------------------------------------ clusters: one neutral colour

  // markercluster's default green/yellow/orange would read as categories of the legend: clusters are dark
  // grey discs whatever their size, sized by their count, so that colour always means the legend.
  function clusterIcon(cluster) {
    var n = cluster.getChildCount();
    var size = n < 10 ? 30 : n < 100 ? 36 : 44;
    return L.divIcon({
      html: "<span>" + esc(n) + "</span>", className: "marker-cluster gis-cluster", iconSize: L.point(size, size)
    });
  }

  // ------------------------------------------------------------------ legends: swatch AND text

  // spec: {title, items: [[colour, label], ...], position, round}
  function legendControl(spec) {
    var control = L.control({position: spec.position});
    control.onAdd = function () {
      var div = L.DomUtil.create("div", "gis-legend");
      if (spec.title) { L.DomUtil.create("strong", "", div).textContent = spec.title; }
      spec.items.forEach(function (item) {
        var line = L.DomUtil.create("div", "", div);
        var swatch = L.DomUtil.create("span", spec.round ? "sw round" : "sw", line);
        swatch.style.background = item[0];  // a style property, not a style attribute: allowed by the CSP
        line.appendChild(document.createTextNode(item[1]));
      });
      L.DomEvent.disableClickPropagation(div);
      return div;
    };
    return control;
  }

  // ------------------------------------------------------------------ the map

  // Draws on folium's map when the spec names it, else on a new Leaflet map in the element.
  function draw(element, spec) {
    var map = spec.mapName && window[spec.mapName] ? window[spec.mapName] : L.map(element, {
      center: spec.center, zoom: spec.zoom, preferCanvas: true, zoomControl: false
    });
    // Also without tiles: markercluster refuses to start on a map without maxZoom.
    map.setMaxZoom(spec.maxZoom);
    L.control.zoom(spec.zoomControl).addTo(map);
    L.control.scale({imperial: false}).addTo(map);
    if (spec.tiles) {
      L.tileLayer(spec.tiles.url, {attribution: spec.tiles.attribution, maxZoom: spec.maxZoom}).addTo(map);
    }
    var overlays = {};
    var sitesLegend = spec.sitesLegendOnMap !== false;
    if (spec.communes) {
      overlays[spec.communes.name] = choroplethLayer(spec.communes).addTo(map);
      legendControl(spec.communes.legend).addTo(map);
    } else if (spec.outlines) {
      overlays[spec.outlines.name] = outlinesLayer(spec.outlines).addTo(map);
    }
    if (spec.sites) {
      var cluster = L.markerClusterGroup({
        chunkedLoading: true, showCoverageOnHover: false, iconCreateFunction: clusterIcon
      });
      cluster.addLayer(sitesLayer(spec.sites));
      overlays[spec.sites.name] = cluster.addTo(map);
      if (sitesLegend) { legendControl(spec.sites.legend).addTo(map); }
    }
    if (spec.viewport) {
      // Filled by the script that loads the sites per viewport (the page's own, loaded after this one).
      map.gisSitesLayer = L.layerGroup().addTo(map);
      overlays[spec.viewport.name] = map.gisSitesLayer;
    }
    if (spec.footprints) {
      // Building outlines from their plans: shown only from a zoom where a building is seen as a shape.
      var footprints = L.geoJSON(spec.footprints.data, {
        style: function () { return {color: "#212529", weight: 1.5, fillColor: "#6c757d", fillOpacity: 0.35}; },
        onEachFeature: function (feature, layer) {
          var p = feature.properties || {};
          layer.bindPopup('<a href="' + esc(p.url || "#") + '">' + esc(p.name || "") + "</a>");
        }
      });
      var showFootprints = function () {
        if (map.getZoom() >= spec.footprints.minZoom) { footprints.addTo(map); } else { footprints.remove(); }
      };
      map.on("zoomend", showFootprints);
      showFootprints();
    }
    if (spec.communes || spec.outlines) {
      L.control.layers(null, overlays, {collapsed: touchSized()}).addTo(map);
    }
    if (spec.bounds) {
      var fit = function () { map.fitBounds(spec.bounds, {maxZoom: spec.fitMaxZoom || 14, animate: false}); };
      fit();
      // The frame may get its final size after this ran (the page's stylesheet sizes it): fit again when it
      // is resized, until the user moves the map.
      var refit = true;
      L.DomEvent.on(element, "mousedown wheel touchstart keydown", function () { refit = false; });
      new ResizeObserver(function () {
        map.invalidateSize();
        if (refit) { fit(); }
      }).observe(element);
    }
    return map;
  }

  window.gisSiteMap = {
    draw: draw, sitesLayer: sitesLayer, choroplethLayer: choroplethLayer, outlinesLayer: outlinesLayer, esc: esc
  };

  var data = document.getElementById("gis-map-data");
  if (data) {
    var spec = JSON.parse(data.textContent);
    var element = document.getElementById(spec.mapName || "gis-map");
    if (element) { window.gisMap = draw(element, spec); }
  }
})();
