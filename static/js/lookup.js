/* Organisation autocomplete for the filter forms (progressive enhancement only).
 *
 * Each organisation filter is a text box (input[data-lookup-url]) tied to an empty
 * <datalist>. As the reader types (two characters or more, 250 ms after the last key),
 * the same-origin look-up endpoint is asked for suggestions and the datalist is filled
 * with them; the browser shows them under the box. Without this file the box still
 * works: the server understands a typed name, acronym or slug.
 */
(function () {
  "use strict";

  var DELAY = 250;
  var MIN_LENGTH = 2;

  function enhance(input) {
    var list = input.list || document.getElementById(input.getAttribute("list"));
    var url = input.getAttribute("data-lookup-url");
    if (!list || !url || !window.fetch) return;

    var cache = {};
    var timer = null;
    var controller = null;
    var latest = "";

    function fill(results) {
      var options = document.createDocumentFragment();
      results.forEach(function (result) {
        var option = document.createElement("option");
        option.value = result.value;
        if (result.label && result.label !== result.value) option.label = result.label;
        options.appendChild(option);
      });
      while (list.firstChild) list.removeChild(list.firstChild);
      list.appendChild(options);
    }

    function isSuggested(text) {
      return Array.prototype.some.call(list.options, function (option) {
        return option.value === text;
      });
    }

    function lookUp(text) {
      if (cache.hasOwnProperty(text)) {
        fill(cache[text]);
        return;
      }
      if (controller) controller.abort();
      controller = window.AbortController ? new AbortController() : null;
      var separator = url.indexOf("?") === -1 ? "?" : "&";
      window
        .fetch(url + separator + "q=" + encodeURIComponent(text), {
          credentials: "same-origin",
          headers: { Accept: "application/json" },
          signal: controller ? controller.signal : undefined,
        })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.json();
        })
        .then(function (data) {
          var results = (data && Array.isArray(data.results)) ? data.results : [];
          cache[text] = results;
          if (text === latest) fill(results);
        })
        .catch(function () {
          /* Aborted or offline: the box keeps working as plain text. */
        });
    }

    input.addEventListener("input", function () {
      var text = input.value.trim();
      latest = text;
      if (timer) window.clearTimeout(timer);
      // A suggestion was just picked: nothing more to look up.
      if (text.length < MIN_LENGTH || isSuggested(text)) {
        if (text.length < MIN_LENGTH) fill([]);
        return;
      }
      timer = window.setTimeout(function () {
        lookUp(text);
      }, DELAY);
    });
  }

  document.querySelectorAll("input[data-lookup-url][list]").forEach(enhance);
})();
