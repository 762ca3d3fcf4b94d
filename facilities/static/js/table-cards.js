/* Tables become cards on phones (issue 14 point 9): each cell is labelled with its column's header, so that the
   CSS of app.css (max-width 575.98px) can stack a row's cells under one another instead of making the page scroll
   sideways. A table opts out with the class "table-keep" (a wide grid that scrolls inside its own box). */
(function () {
  "use strict";
  function headers(table) {
    var head = table.tHead;
    if (!head || !head.rows.length) { return null; }
    var row = head.rows[head.rows.length - 1], names = [];
    for (var i = 0; i < row.cells.length; i++) {
      var cell = row.cells[i], span = cell.colSpan || 1, text = cell.textContent.replace(/\s+/g, " ").trim();
      for (var k = 0; k < span; k++) { names.push(text); }
    }
    return names;
  }
  function label(table) {
    var names = headers(table);
    if (!names) { return; }
    table.classList.add("table-cards");
    var bodies = Array.prototype.slice.call(table.tBodies);
    if (table.tFoot) { bodies.push(table.tFoot); }
    bodies.forEach(function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          var name = names[column];
          if (name && !cell.hasAttribute("data-label") && (cell.colSpan || 1) === 1) { cell.setAttribute("data-label", name); }
          column += cell.colSpan || 1;
        });
      });
    });
  }
  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("main table.table:not(.table-keep)"), label);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
}());
