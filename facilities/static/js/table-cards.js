/* Tables become cards on phones (issue 14 point 9): each cell is labelled with its column's header, so that the
   CSS of app.css (max-width 575.98px) can stack a row's cells under one another instead of making the page scroll
   sideways. A table opts out with the class "table-keep" (a wide grid that scrolls inside its own box). */
(function () {
  "use strict";
  function headers(table) {
    /* The name of each column: the lowest header cell over it, through the rowspans and colspans of every
       header row (a grouped header such as the PPI's). */
    var head = table.tHead;
    if (!head || !head.rows.length) { return null; }
    var grid = [];
    for (var r = 0; r < head.rows.length; r++) {
      grid[r] = grid[r] || [];
      var column = 0;
      for (var c = 0; c < head.rows[r].cells.length; c++) {
        var cell = head.rows[r].cells[c], text = cell.textContent.replace(/\s+/g, " ").trim();
        while (grid[r][column] !== undefined) { column++; }
        for (var dr = 0; dr < (cell.rowSpan || 1); dr++) {
          grid[r + dr] = grid[r + dr] || [];
          for (var dc = 0; dc < (cell.colSpan || 1); dc++) { grid[r + dr][column + dc] = text; }
        }
        column += cell.colSpan || 1;
      }
    }
    return grid[head.rows.length - 1];
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
