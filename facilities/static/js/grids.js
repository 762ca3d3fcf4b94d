/* Grids of amounts by year and of phases (templates/macros.html, facilities/grids.py): a button adds a row, and
 * totals are shown as the user types: the sum against the AP, what each year's cap leaves free, the phases'
 * shares against 100 %. The server judges what is saved; this only helps to type it right.
 * A static file: the pages' CSP allows no inline script. Texts come translated in data-text-* attributes. */
(function () {
  "use strict";

  var lang = document.documentElement.lang || "fr";
  var euros = new Intl.NumberFormat(lang, {style: "currency", currency: "EUR", maximumFractionDigits: 2});
  var plain = new Intl.NumberFormat(lang, {maximumFractionDigits: 2});

  // "12 500 000", "12500000,50", "12,500,000.50" → a number of euros (NaN when not a number).
  function amount(text) {
    var t = String(text || "").replace(/[\s\u00a0\u202f€]/g, "");
    if (!t) { return 0; }
    if (t.indexOf(",") >= 0 && t.indexOf(".") >= 0) { t = t.replace(/,/g, ""); } else { t = t.replace(",", "."); }
    return /^-?\d+(\.\d+)?$/.test(t) ? parseFloat(t) : NaN;
  }

  function say(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_m, key) { return values[key]; }).replace(/%%/g, "%");
  }

  function update(grid) {
    var context = {};
    try { context = JSON.parse(grid.getAttribute("data-context") || "{}") || {}; } catch (e) { context = {}; }
    var d = grid.dataset, total = 0, bad = false;
    var totalCell = grid.querySelector(".grid-total"), balance = grid.querySelector(".grid-balance");
    if (d.grid === "phases") {
      grid.querySelectorAll(".grid-share").forEach(function (input) {
        var v = amount(input.value);
        if (isNaN(v)) { bad = true; } else { total += v; }
      });
      totalCell.textContent = bad ? "—" : plain.format(total) + "\u00a0%";
      balance.textContent = !bad && Math.abs(total - 100) > 1e-9 ? say(d.textShares, {total: plain.format(total)}) : "";
      balance.classList.toggle("text-danger", !bad && Math.abs(total - 100) > 1e-9);
      return;
    }
    // Amounts are compared in cents (the context gives cents: integers, no rounding surprise).
    var years = context.years || {};
    grid.querySelectorAll(".grid-row").forEach(function (row) {
      var year = (row.querySelector(".grid-year").value || "").trim();
      var v = amount(row.querySelector(".grid-amount").value);
      if (isNaN(v)) { bad = true; v = 0; }
      var cents = Math.round(v * 100);
      total += cents;
      var cell = row.querySelector(".grid-free"), known = years[year];
      if (!cell || cell.querySelector(".text-danger")) { return; }  // the server's message stays
      var free = null;
      if (known && known.cap_cents !== undefined && known.cap_cents !== null) {
        free = known.cap_cents - (known.others_cents || 0) - cents;  // a CP schedule against the year's cap
      } else if (known && known.allocated_cents !== undefined && cents) {
        free = cents - known.allocated_cents;  // a cap against the CP already allocated that year
      }
      if (free === null) { cell.textContent = ""; return; }
      cell.textContent = free >= 0 ? say(d.textFree, {amount: euros.format(free / 100)})
        : say(d.textOverCap, {amount: euros.format(-free / 100)});
      cell.classList.toggle("text-danger", free < 0);
    });
    totalCell.textContent = bad ? "—" : euros.format(total / 100);
    var ap = context.ap_cents;
    if (context.ap_input) {  // the new AP is typed on the same form
      var typed = amount((document.getElementById(context.ap_input) || {}).value);
      ap = isNaN(typed) || typed === 0 ? undefined : Math.round(typed * 100);
    }
    if (ap === undefined || ap === null || bad) { balance.textContent = ""; return; }
    var gap = ap - total;
    balance.textContent = gap === 0 ? d.textBalanced
      : gap > 0 ? say(d.textLeft, {amount: euros.format(gap / 100)}) : say(d.textOver, {amount: euros.format(-gap / 100)});
    balance.classList.toggle("text-danger", gap < 0);
  }

  document.querySelectorAll("fieldset.grid-field").forEach(function (grid) {
    grid.addEventListener("input", function () { update(grid); });
    var context = {};
    try { context = JSON.parse(grid.getAttribute("data-context") || "{}") || {}; } catch (e) { context = {}; }
    var apInput = context.ap_input && document.getElementById(context.ap_input);
    if (apInput) { apInput.addEventListener("input", function () { update(grid); }); }
    grid.addEventListener("change", function () { update(grid); });
    var add = grid.querySelector(".grid-add");
    if (add) {
      add.addEventListener("click", function () {
        var rows = grid.querySelectorAll(".grid-row"), last = rows[rows.length - 1];
        var copy = last.cloneNode(true);
        copy.classList.remove("table-danger");
        copy.querySelectorAll("input").forEach(function (input) { input.value = ""; });
        copy.querySelectorAll("select").forEach(function (select) { select.selectedIndex = 0; });
        copy.querySelectorAll(".grid-free").forEach(function (cell) { cell.textContent = ""; });
        copy.querySelectorAll(".text-danger").forEach(function (el) { el.remove(); });
        last.parentNode.appendChild(copy);
        var first = copy.querySelector("input, select");
        if (first) { first.focus(); }
      });
    }
    update(grid);
  });
})();
