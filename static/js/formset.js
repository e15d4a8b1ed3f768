/* The meeting form's "Add a row" buttons. Progressive enhancement only: without
   JavaScript every section already has a fixed number of empty rows. */
(function () {
  "use strict";

  document.querySelectorAll("[data-formset]").forEach(function (section) {
    var prefix = section.getAttribute("data-formset");
    var total = section.querySelector("input[name='" + prefix + "-TOTAL_FORMS']");
    var maximum = section.querySelector("input[name='" + prefix + "-MAX_NUM_FORMS']");
    var template = section.querySelector("template[data-empty-row]");
    var rows = section.querySelector("[data-rows]");
    var button = section.querySelector("[data-add-row]");
    if (!total || !template || !rows || !button) return;

    button.hidden = false;
    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      if (maximum && index >= parseInt(maximum.value, 10)) return;
      // Django's empty form uses __prefix__ for the row index; the legend uses __number__.
      var html = template.innerHTML
        .replace(/__prefix__/g, String(index))
        .replace(/__number__/g, String(index + 1));
      rows.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      var added = rows.lastElementChild;
      var first = added && added.querySelector("select, input:not([type=hidden]), textarea");
      if (first) first.focus();
    });
  });

  // After a failed save, take keyboard and screen-reader users to the list of problems.
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();
})();
