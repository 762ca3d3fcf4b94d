// The floor page's plan: colouring mode with its legend, and the spaces' filter that hides rows of the table and
// highlights the matching rooms on the plan. Served as a static file (the pages' CSP refuses inline scripts).
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  ready(function () {
    var svg = document.getElementById("floor-plan-svg");
    var mode = document.getElementById("plan-mode");
    if (svg && mode) {
      mode.addEventListener("change", function () {
        var chosen = mode.value;
        svg.setAttribute("class", "floor-plan mode-" + chosen);
        document.querySelectorAll(".plan-legend").forEach(function (legend) {
          legend.hidden = legend.getAttribute("data-mode") !== chosen;
        });
      });
    }

    var text = document.getElementById("space-filter-text");
    var type = document.getElementById("space-filter-type");
    var count = document.getElementById("space-filter-count");
    var form = document.getElementById("space-filter");
    if (!text || !type) { return; }
    var rows = Array.prototype.slice.call(document.querySelectorAll("#spaces tbody tr[data-space-id]"));
    var rooms = {};
    if (svg) {
      svg.querySelectorAll("g.room").forEach(function (room) { rooms[room.getAttribute("data-space-id")] = room; });
    }

    function apply() {
      var needle = text.value.trim().toLowerCase();
      var wanted = type.value;
      var active = needle !== "" || wanted !== "";
      var shown = 0;
      rows.forEach(function (row) {
        var match = (!needle || (row.getAttribute("data-search") || "").indexOf(needle) !== -1) &&
          (!wanted || row.getAttribute("data-type") === wanted);
        row.hidden = !match;
        if (match) { shown += 1; }
        var room = rooms[row.getAttribute("data-space-id")];
        if (room) {
          room.classList.toggle("is-match", active && match);
          room.classList.toggle("is-dimmed", active && !match);
        }
      });
      if (count) { count.textContent = active ? shown + " / " + rows.length : ""; }
    }

    text.addEventListener("input", apply);
    type.addEventListener("change", apply);
    if (form) { form.addEventListener("submit", function (event) { event.preventDefault(); apply(); }); }
  });
})();
