/* Progressive enhancement only: every page works without this file. */
(function () {
  "use strict";

  // On wide screens the filter panel starts open; on a phone it stays folded
  // (unless the server opened it because a filter is set).
  var wide = window.matchMedia && window.matchMedia("(min-width: 60em)").matches;
  document.querySelectorAll("details[data-filters]").forEach(function (panel) {
    if (wide) panel.open = true;
  });

  // Submit only the filters that have a value, so shared links stay short.
  document.querySelectorAll("details[data-filters] form").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("select, input").forEach(function (field) {
        if (field.name && !field.value) field.disabled = true;
      });
    });
  });
})();

// Coming back with the browser's Back button must not find the fields disabled.
window.addEventListener("pageshow", function () {
  document.querySelectorAll("details[data-filters] [disabled]").forEach(function (field) {
    field.disabled = false;
  });
});
