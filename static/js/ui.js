// A filter box above each <select data-searchable>: typing narrows the options (name or username).
// No dependency; the select stays a plain select, so the form works without JavaScript.
(function () {
  document.querySelectorAll("select[data-searchable]").forEach(function (select) {
    if (select.options.length < 8) return;
    var box = document.createElement("input");
    box.type = "search";
    box.className = "form-control form-control-sm mb-1 picker-search";
    box.placeholder = select.closest("form") && select.closest("form").dataset.searchPlaceholder || document.documentElement.dataset.searchPlaceholder || "";
    box.setAttribute("aria-label", box.placeholder);
    select.parentNode.insertBefore(box, select);
    box.addEventListener("input", function () {
      var q = box.value.trim().toLowerCase();
      var first = null;
      Array.prototype.forEach.call(select.options, function (o) {
        var hit = !q || !o.value || o.text.toLowerCase().indexOf(q) !== -1;
        o.hidden = !hit;
        if (hit && o.value && first === null) first = o;
      });
      if (q && first && select.selectedOptions.length && select.selectedOptions[0].hidden) select.value = first.value;
    });
  });
})();

// Irreversible sign-offs: a form (or the submit button pressed) with data-confirm asks first and says what
// will be frozen. Inline onclick/onsubmit handlers never run under the CSP (script-src 'self').
document.addEventListener("submit", function (event) {
  var form = event.target;
  var button = event.submitter;
  var message = (button && button.getAttribute && button.getAttribute("data-confirm")) ||
    (form.getAttribute && form.getAttribute("data-confirm"));
  if (message && !window.confirm(message)) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }
}, true);

// A form with data-prompt asks for one text (a cancellation's reason) into its hidden field data-prompt-field;
// nothing is sent without it.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form.getAttribute && form.getAttribute("data-prompt");
  if (!question || event.defaultPrevented) return;
  var answer = window.prompt(question);
  if (!answer || !answer.trim()) {
    event.preventDefault();
    return;
  }
  form.elements[form.getAttribute("data-prompt-field")].value = answer.trim();
});

// A select marked data-autosubmit sends its form when changed (filters): the CSP forbids onchange="…".
document.addEventListener("change", function (event) {
  var el = event.target;
  if (el && el.hasAttribute && el.hasAttribute("data-autosubmit") && el.form) el.form.requestSubmit();
});

// Tables marked .table-cards become one card per row below 576 px (qms.css): each cell is labelled with
// its column's heading, so a phone shows "状态 已受理" instead of a table squeezed to two characters a line.
(function () {
  document.querySelectorAll("table.table-cards").forEach(function (table) {
    var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
      return th.textContent.trim();
    });
    table.querySelectorAll("tbody tr").forEach(function (tr) {
      Array.prototype.forEach.call(tr.children, function (td, i) {
        if (heads[i] && !td.hasAttribute("colspan") && !td.dataset.label) td.dataset.label = heads[i];
      });
    });
  });
})();
