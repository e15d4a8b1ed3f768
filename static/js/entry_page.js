/* The meeting form's page (templates/meetings/staff/meeting_form.html): live counts in
   the section links, a warning before leaving with unsaved changes, a draft kept on this
   device (localStorage, per user and meeting) and restored on return, and the question
   about a date in the future as soon as it is typed.
   Progressive enhancement only: without JavaScript the form saves, and the server asks
   about future dates, as before. The fields and rows are formset.js's and lookup.js's. */
(function () {
  "use strict";

  var form = document.querySelector("form[data-entry-form]");
  if (!form) return;

  var DRAFT_PREFIX = "sanad-draft:";
  var key = form.getAttribute("data-draft-key");
  var dirty = false;
  var submitting = false;
  var signingOut = false;
  var saveTimer = null;
  var status = form.querySelector("[data-draft-status]");

  function storage() {
    try { return window.localStorage; } catch (error) { return null; }
  }

  // --- Which fields a draft keeps ------------------------------------------------

  function kept(field) {
    if (!field.name || field.disabled) return false;
    if (field.name === "csrfmiddlewaretoken" || field.name === "confirm_future_date") return false;
    if (field.type === "file" || field.type === "submit" || field.type === "button") return false;
    return true;
  }

  function snapshot() {
    var fields = {};
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!kept(field)) return;
      if (field.type === "checkbox" || field.type === "radio") {
        if (!(field.name in fields)) fields[field.name] = [];
        if (field.checked) fields[field.name].push(field.value);
      } else if (field.tagName === "SELECT" && field.multiple) {
        fields[field.name] = Array.prototype.filter.call(field.options, function (option) { return option.selected; })
          .map(function (option) { return option.value; });
      } else {
        fields[field.name] = field.value;
      }
    });
    return fields;
  }

  function apply(fields) {
    // Rows first: add as many as the draft had (formset.js's "Add a row" button).
    document.querySelectorAll("[data-formset]").forEach(function (section) {
      var prefix = section.getAttribute("data-formset");
      var total = section.querySelector("input[name='" + prefix + "-TOTAL_FORMS']");
      var button = section.querySelector("[data-add-row]");
      var wanted = parseInt(fields[prefix + "-TOTAL_FORMS"], 10);
      var guard = 0;
      while (total && button && !isNaN(wanted) && parseInt(total.value, 10) < wanted && guard++ < 500) button.click();
    });
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!kept(field) || !(field.name in fields)) return;
      var value = fields[field.name];
      if (field.type === "checkbox" || field.type === "radio") {
        field.checked = Array.isArray(value) && value.indexOf(field.value) !== -1;
      } else if (field.tagName === "SELECT" && field.multiple) {
        Array.prototype.forEach.call(field.options, function (option) {
          option.selected = Array.isArray(value) && value.indexOf(option.value) !== -1;
        });
      } else if (!/-TOTAL_FORMS$|-INITIAL_FORMS$|-MIN_NUM_FORMS$|-MAX_NUM_FORMS$/.test(field.name)) {
        field.value = value;
      }
      field.dispatchEvent(new Event("change", { bubbles: true }));
    });
  }

  // --- The draft on this device ------------------------------------------------

  function localTime(iso) {
    var when = new Date(iso);
    var language = document.documentElement.lang || "ar";
    try {
      return new Intl.DateTimeFormat(language, { dateStyle: "long", timeStyle: "short" }).format(when);
    } catch (error) {
      return when.toLocaleString();
    }
  }

  function saveDraft() {
    var store = storage();
    if (!store || !key || submitting || signingOut) return;
    var now = new Date().toISOString();
    try {
      store.setItem(key, JSON.stringify({ savedAt: now, path: location.pathname, fields: snapshot() }));
      if (status) status.textContent = status.getAttribute("data-saved-text") || "";
    } catch (error) {
      /* storage full or refused: the form still works, only the draft is not kept */
    }
  }

  function readDraft() {
    var store = storage();
    if (!store || !key) return null;
    try { return JSON.parse(store.getItem(key) || "null"); } catch (error) { return null; }
  }

  function discardDraft() {
    var store = storage();
    if (store && key) store.removeItem(key);
  }

  function restore() {
    // A page sent back by the server (errors, a conflict) already holds what was typed.
    if (form.getAttribute("data-bound") === "1") return;
    var draft = readDraft();
    if (!draft || !draft.fields) return;
    apply(draft.fields);
    dirty = true;
    var template = document.getElementById("draft-restored-template");
    if (!template) return;
    form.parentNode.insertBefore(template.content.cloneNode(true), form);
    var banner = document.getElementById("draft-restored");
    var time = banner.querySelector("[data-draft-time]");
    time.setAttribute("datetime", draft.savedAt);
    time.textContent = localTime(draft.savedAt);
    banner.querySelector("[data-draft-discard]").addEventListener("click", function () {
      discardDraft();
      dirty = false;
      location.reload();
    });
    banner.focus();
  }

  // --- Row counts in the section links ----------------------------------------

  function rowChanged(row) {
    return Array.prototype.some.call(row.querySelectorAll("input, select, textarea"), function (field) {
      if (!field.name || field.type === "hidden" || /-DELETE$/.test(field.name)) return false;
      if (field.type === "checkbox" || field.type === "radio") return field.checked !== field.defaultChecked;
      if (field.type === "file") return field.files && field.files.length > 0;
      if (field.tagName === "SELECT") {
        return Array.prototype.some.call(field.options, function (option) { return option.selected !== option.defaultSelected; });
      }
      return field.value !== field.defaultValue;
    });
  }

  function countRows(section) {
    var prefix = section.getAttribute("data-formset");
    var initial = section.querySelector("input[name='" + prefix + "-INITIAL_FORMS']");
    var saved = initial ? parseInt(initial.value, 10) : 0;
    var count = 0;
    section.querySelectorAll("[data-rows] > *").forEach(function (row, index) {
      var deleting = row.querySelector("input[name$='-DELETE']");
      if (deleting && deleting.checked) return;
      if (index < saved || rowChanged(row)) count += 1;
    });
    return count;
  }

  function updateCounts() {
    document.querySelectorAll("[data-formset]").forEach(function (section) {
      var prefix = section.getAttribute("data-formset");
      var link = document.querySelector("[data-section-link='" + prefix + "'] [data-row-count]");
      if (!link) return;
      link.textContent = String(countRows(section));
    });
  }

  // --- A date in the future -----------------------------------------------------

  var DIGITS = { "٠": "0", "١": "1", "٢": "2", "٣": "3", "٤": "4", "٥": "5", "٦": "6", "٧": "7", "٨": "8", "٩": "9",
    "۰": "0", "۱": "1", "۲": "2", "۳": "3", "۴": "4", "۵": "5", "۶": "6", "۷": "7", "۸": "8", "۹": "9" };

  function isoDate(text) {
    var latin = (text || "").replace(/[٠-٩۰-۹]/g, function (digit) { return DIGITS[digit]; });
    var parts = latin.trim().split(/\s*[\/\-.،,\\]\s*|\s+/).filter(Boolean);
    if (parts.length !== 3 || !parts.every(function (part) { return /^\d+$/.test(part); })) return null;
    var year, month, day;
    if (parts[0].length === 4) { year = parts[0]; month = parts[1]; day = parts[2]; }
    else { day = parts[0]; month = parts[1]; year = parts[2]; }
    if (year.length !== 4) return null;
    var pad = function (part) { return ("0" + parseInt(part, 10)).slice(-2); };
    return year + "-" + pad(month) + "-" + pad(day);
  }

  var dateField = form.querySelector("input[name='date']");
  var futureBox = form.querySelector("[data-future-date]");
  function checkFutureDate() {
    if (!dateField || !futureBox) return;
    var date = isoDate(dateField.value);
    var today = form.getAttribute("data-today");
    var saved = form.getAttribute("data-saved-date");
    var future = !!date && date > today && date !== saved;
    var confirm = futureBox.querySelector("input[type=checkbox]");
    if (future) {
      futureBox.hidden = false;
    } else if (!(confirm && confirm.checked)) {
      futureBox.hidden = true;
    }
  }

  // --- Wiring -------------------------------------------------------------------

  function changed() {
    dirty = true;
    signingOut = false;
    updateCounts();
    window.clearTimeout(saveTimer);
    saveTimer = window.setTimeout(saveDraft, 800);
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  if (dateField) {
    dateField.addEventListener("input", checkFutureDate);
    dateField.addEventListener("change", checkFutureDate);
  }

  form.addEventListener("submit", function () {
    // The server has it now: whatever it answers, the page it sends holds the typed text.
    submitting = true;
    window.clearTimeout(saveTimer);
    discardDraft();
  });

  window.addEventListener("beforeunload", function (event) {
    if (!dirty || submitting) return undefined;
    event.preventDefault();
    event.returnValue = form.getAttribute("data-leave-warning") || "";
    return event.returnValue;
  });

  // Logging out: drafts.js deletes the drafts; none may be written again on the way out
  // (the leave warning still asks first; staying and typing on keeps a draft again).
  document.querySelectorAll("form[data-sign-out]").forEach(function (signOut) {
    signOut.addEventListener("submit", function () {
      signingOut = true;
      window.clearTimeout(saveTimer);
    });
  });

  // Leaving (when allowed): keep the last keystrokes too, not only those before the last pause.
  window.addEventListener("pagehide", function () {
    if (dirty && !submitting) saveDraft();
  });

  // Coming back with Back after a submit: the page is live again.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) submitting = false;
  });

  restore();
  updateCounts();
  checkFutureDate();
  window.sanadDraftPrefix = DRAFT_PREFIX;
})();
