// Filters of the findings table: level, code, event and free text. Each row carries what it
// is filtered by in data attributes the generator escaped; this script only reads them and
// hides rows, and never writes markup.
(function () {
  "use strict";
  var table = document.getElementById("finding-table");
  var form = document.getElementById("filters");
  if (!table || !form) { return; }
  var query = document.getElementById("q");
  var selects = ["level", "code", "event"].map(function (id) { return document.getElementById(id); })
    .filter(function (element) { return element !== null; });
  var count = document.getElementById("count");
  var none = document.getElementById("no-match");
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);

  function apply() {
    var words = query.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    rows.forEach(function (row) {
      var text = row.getAttribute("data-search") || "";
      var visible = words.every(function (word) { return text.indexOf(word) !== -1; }) &&
        selects.every(function (select) {
          return !select.value || row.getAttribute("data-" + select.id) === select.value;
        });
      row.hidden = !visible;
      if (visible) { shown += 1; }
    });
    count.textContent = shown + " of " + rows.length + " findings shown";
    none.hidden = shown !== 0;
  }

  form.addEventListener("submit", function (event) { event.preventDefault(); });
  [query].concat(selects).forEach(function (input) {
    input.addEventListener("input", apply);
    input.addEventListener("change", apply);
  });
  apply();
})();
