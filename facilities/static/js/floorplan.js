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

    // Editors may drag a room to move it: the distance, in the plan's metres, is posted to the same checks as the
    // coordinates form (facilities/plans/routes.py, space_move); the page comes back with the result.
    var moveMode = document.getElementById("plan-move-mode");
    var moveForm = document.getElementById("plan-move-form");
    if (svg && moveMode && moveForm) {
      var dragged = null;
      var toPlan = function (event) {
        var point = svg.createSVGPoint();
        point.x = event.clientX;
        point.y = event.clientY;
        return point.matrixTransform(svg.getScreenCTM().inverse());
      };
      svg.addEventListener("click", function (event) {
        if (moveMode.checked && event.target.closest("g.room")) { event.preventDefault(); }
      }, true);
      svg.addEventListener("pointerdown", function (event) {
        var room = event.target.closest("g.room");
        if (!moveMode.checked || !room) { return; }
        event.preventDefault();
        dragged = {room: room, start: toPlan(event), dx: 0, dy: 0};
        svg.setPointerCapture(event.pointerId);
        room.classList.add("is-dragged");
      });
      svg.addEventListener("pointermove", function (event) {
        if (!dragged) { return; }
        var here = toPlan(event);
        dragged.dx = here.x - dragged.start.x;
        dragged.dy = here.y - dragged.start.y;
        dragged.room.setAttribute("transform", "translate(" + dragged.dx + " " + dragged.dy + ")");
      });
      svg.addEventListener("pointerup", function () {
        if (!dragged) { return; }
        var moved = dragged;
        dragged = null;
        if (Math.abs(moved.dx) < 0.05 && Math.abs(moved.dy) < 0.05) {
          moved.room.removeAttribute("transform");
          moved.room.classList.remove("is-dragged");
          return;
        }
        moveForm.action = moveForm.getAttribute("data-action").replace("{id}", moved.room.getAttribute("data-space-id"));
        moveForm.querySelector("[name=move_x]").value = moved.dx.toFixed(2);
        moveForm.querySelector("[name=move_y]").value = (-moved.dy).toFixed(2);  // SVG y runs down, north up
        moveForm.submit();
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
