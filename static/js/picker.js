/* Searchable pickers for the meeting form (progressive enhancement only).
 *
 * Each <select data-picker="organization|person" data-picker-url="…"> becomes an ARIA
 * combobox: the reader types part of a name (two letters or more), the workspace's
 * look-up answers with what this user may choose, arrow keys move through the list,
 * Enter or a click chooses. The <select> stays in the page, hidden, and holds the
 * choice: the form posts exactly what it posts without JavaScript.
 *
 * - organisation (single): one name.
 * - organisation (multiple, the addressees): chosen names as a list with a remove button each.
 * - person: a person together with the post they held (the row's post menu is filled too
 *   and hidden: one choice, not two menus repeating the name).
 * Texts come from the page (data attributes written in the page's language).
 */
(function () {
  "use strict";

  var DELAY = 200;
  var MIN_LENGTH = 2;
  var counter = 0;

  function text(select, name, fallback) {
    return select.getAttribute("data-picker-" + name) || fallback;
  }

  function ensureOption(select, value, label) {
    var found = null;
    Array.prototype.forEach.call(select.options, function (option) {
      if (option.value === String(value)) found = option;
    });
    if (!found) {
      found = document.createElement("option");
      found.value = String(value);
      found.textContent = label;
      select.appendChild(found);
    }
    return found;
  }

  function selectedLabel(select) {
    var option = select.options[select.selectedIndex];
    return option && option.value ? option.textContent : "";
  }

  function enhance(select) {
    if (select.hasAttribute("data-picker-enhanced")) return;
    var url = select.getAttribute("data-picker-url");
    if (!url || !window.fetch) return;
    select.setAttribute("data-picker-enhanced", "");
    var kind = select.getAttribute("data-picker");
    var multiple = select.multiple;
    var row = select.closest("[data-row]") || select.form;
    var position = kind === "person" && row ? row.querySelector("select[data-picker='position']") : null;

    counter += 1;
    var id = (select.id || "picker") + "-combobox";
    var listId = id + "-list";
    var wrapper = document.createElement("div");
    wrapper.className = "picker";
    var input = document.createElement("input");
    input.type = "text";
    input.id = id;
    input.className = "picker__input";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("autocomplete", "off");
    input.setAttribute("dir", "auto");
    input.placeholder = text(select, "placeholder", "");
    if (select.getAttribute("aria-describedby")) input.setAttribute("aria-describedby", select.getAttribute("aria-describedby"));
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "picker__list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("aria-live", "polite");
    var chips = null;
    if (multiple) {
      chips = document.createElement("ul");
      chips.className = "picker__chips";
      wrapper.appendChild(chips);
    }
    wrapper.appendChild(input);
    wrapper.appendChild(list);
    wrapper.appendChild(status);
    select.insertAdjacentElement("afterend", wrapper);
    select.hidden = true;
    var label = select.id && document.querySelector("label[for='" + select.id + "']");
    if (label) label.htmlFor = id;
    var note = select.parentNode.querySelector("[data-picker-note]");
    if (note) note.hidden = true;
    if (position) {
      var positionField = position.closest(".field");
      if (positionField) positionField.hidden = true;
    }

    var results = [];
    var active = -1;
    var timer = null;
    var controller = null;
    var cache = {};

    function currentLabel() {
      if (kind === "person" && position && position.value) return selectedLabel(position);
      return selectedLabel(select);
    }

    function renderChips() {
      if (!chips) return;
      while (chips.firstChild) chips.removeChild(chips.firstChild);
      Array.prototype.forEach.call(select.options, function (option) {
        if (!option.selected || !option.value) return;
        var item = document.createElement("li");
        var name = document.createElement("span");
        name.textContent = option.textContent;
        name.setAttribute("dir", "auto");
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "picker__remove";
        remove.textContent = "×";
        remove.setAttribute("aria-label", text(select, "remove", "Remove %s").replace("%s", option.textContent));
        remove.addEventListener("click", function () {
          option.selected = false;
          select.dispatchEvent(new Event("change", { bubbles: true }));
          renderChips();
          input.focus();
        });
        item.appendChild(name);
        item.appendChild(remove);
        chips.appendChild(item);
      });
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var items = list.querySelectorAll("[role=option]");
      if (!items.length) return;
      active = (index + items.length) % items.length;
      Array.prototype.forEach.call(items, function (item, i) {
        item.setAttribute("aria-selected", i === active ? "true" : "false");
      });
      input.setAttribute("aria-activedescendant", items[active].id);
      items[active].scrollIntoView({ block: "nearest" });
    }

    function show(found) {
      results = found;
      while (list.firstChild) list.removeChild(list.firstChild);
      if (!found.length) {
        var empty = document.createElement("li");
        empty.className = "picker__empty";
        empty.textContent = text(select, "empty", "");
        list.appendChild(empty);
      }
      found.forEach(function (result, index) {
        var item = document.createElement("li");
        item.id = listId + "-" + index;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        var name = document.createElement("span");
        name.className = "picker__label";
        name.setAttribute("dir", "auto");
        name.textContent = result.label;
        item.appendChild(name);
        if (result.detail) {
          var detail = document.createElement("span");
          detail.className = "picker__detail";
          detail.setAttribute("dir", "auto");
          detail.textContent = result.detail;
          item.appendChild(detail);
        }
        item.addEventListener("mousedown", function (event) {
          event.preventDefault(); // keep the focus in the box
          choose(index);
        });
        list.appendChild(item);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      status.textContent = text(select, "count", "%s").replace("%s", String(found.length));
    }

    function choose(index) {
      var result = results[index];
      if (!result) return;
      if (kind === "person") {
        ensureOption(select, result.person, result.label).selected = true;
        if (position) {
          if (result.position) {
            ensureOption(position, result.position, result.label + " — " + result.detail.split(" · ")[0]).selected = true;
          } else {
            position.value = "";
          }
          position.dispatchEvent(new Event("change", { bubbles: true }));
        }
        input.value = result.position ? result.label + " — " + result.detail.split(" · ")[0] : result.label;
      } else if (multiple) {
        ensureOption(select, result.id, result.label).selected = true;
        input.value = "";
        renderChips();
      } else {
        ensureOption(select, result.id, result.label).selected = true;
        input.value = result.label;
      }
      select.dispatchEvent(new Event("change", { bubbles: true }));
      close();
    }

    function lookUp(query) {
      if (cache.hasOwnProperty(query)) {
        show(cache[query]);
        return;
      }
      if (controller) controller.abort();
      controller = window.AbortController ? new AbortController() : null;
      window
        .fetch(url + (url.indexOf("?") === -1 ? "?" : "&") + "q=" + encodeURIComponent(query), {
          credentials: "same-origin",
          headers: { Accept: "application/json" },
          signal: controller ? controller.signal : undefined,
        })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.json();
        })
        .then(function (data) {
          var found = data && Array.isArray(data.results) ? data.results : [];
          cache[query] = found;
          if (input.value.trim() === query) show(found);
        })
        .catch(function () {
          /* Aborted or offline: what is chosen stays chosen. */
        });
    }

    input.addEventListener("input", function () {
      var query = input.value.trim();
      if (timer) window.clearTimeout(timer);
      if (query.length < MIN_LENGTH) {
        close();
        return;
      }
      timer = window.setTimeout(function () {
        lookUp(query);
      }, DELAY);
    });

    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (list.hidden && results.length) show(results);
        highlight(active + 1);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        highlight(active - 1);
      } else if (event.key === "Enter") {
        if (!list.hidden && active >= 0) {
          event.preventDefault(); // choose, do not submit the form
          choose(active);
        }
      } else if (event.key === "Escape") {
        if (!list.hidden) {
          event.preventDefault();
          close();
        }
      }
    });

    input.addEventListener("blur", function () {
      window.setTimeout(close, 100);
      if (multiple) return;
      if (!input.value.trim()) {
        // Emptied: nothing chosen.
        select.value = "";
        if (position) position.value = "";
        select.dispatchEvent(new Event("change", { bubbles: true }));
      } else {
        input.value = currentLabel() || input.value;
      }
    });

    if (multiple) renderChips();
    else input.value = currentLabel();
  }

  function enhanceAll(root) {
    (root || document).querySelectorAll("select[data-picker-url]").forEach(enhance);
  }

  enhanceAll(document);
  // Rows added by formset.js ("Add a recommendation"…) get their pickers too.
  if (window.MutationObserver) {
    document.querySelectorAll("[data-rows]").forEach(function (rows) {
      new MutationObserver(function (changes) {
        changes.forEach(function (change) {
          change.addedNodes.forEach(function (node) {
            if (node.nodeType === 1) enhanceAll(node);
          });
        });
      }).observe(rows, { childList: true });
    });
  }
})();
