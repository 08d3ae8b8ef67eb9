// Client-side search and filters of the message index. Every row carries what it is searched
// by (name, properties, owner, description) in data attributes the generator escaped; this
// script only reads them and hides rows, and never writes markup.
(function () {
  "use strict";
  var form = document.getElementById("filters");
  var table = document.getElementById("messages");
  if (!form || !table) { return; }
  var query = document.getElementById("q");
  var owner = document.getElementById("owner");
  var kind = document.getElementById("kind");
  var pii = document.getElementById("pii");
  var hideDeprecated = document.getElementById("hide-deprecated");
  var count = document.getElementById("count");
  var none = document.getElementById("no-match");
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);

  function apply() {
    var words = query.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    rows.forEach(function (row) {
      var text = row.getAttribute("data-search") || "";
      var visible = words.every(function (word) { return text.indexOf(word) !== -1; }) &&
        (!owner.value || row.getAttribute("data-owner") === owner.value) &&
        (!kind.value || row.getAttribute("data-kind") === kind.value) &&
        (!pii.checked || row.getAttribute("data-pii") === "yes") &&
        (!hideDeprecated.checked || row.getAttribute("data-deprecated") !== "yes");
      row.hidden = !visible;
      if (visible) { shown += 1; }
    });
    count.textContent = shown + " of " + rows.length + " messages shown";
    none.hidden = shown !== 0;
  }

  form.addEventListener("submit", function (event) { event.preventDefault(); });
  [query, owner, kind, pii, hideDeprecated].forEach(function (input) {
    input.addEventListener("input", apply);
    input.addEventListener("change", apply);
  });
  apply();
})();
