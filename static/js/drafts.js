/* Drafts of the meeting form kept on this device (static/js/entry_page.js) never outlive
   their author's sign-in on a shared computer: every staff and sign-in page says who is
   signed in (<meta name="sanad-draft-user">); drafts of anyone else are deleted, all of
   them when nobody is signed in (after logging out, or on the sign-in page), and any
   older than two weeks. */
(function () {
  "use strict";

  var PREFIX = "sanad-draft:";
  var MAX_AGE = 14 * 24 * 3600 * 1000;
  var meta = document.querySelector("meta[name='sanad-draft-user']");
  if (!meta) return;
  var user = meta.getAttribute("content") || "";
  var store;
  try { store = window.localStorage; } catch (error) { return; }
  if (!store) return;

  function purge(keepUser) {
    var doomed = [];
    for (var index = 0; index < store.length; index++) {
      var key = store.key(index);
      if (!key || key.indexOf(PREFIX) !== 0) continue;
      var mine = keepUser && key.indexOf(PREFIX + keepUser + ":") === 0;
      var old = false;
      try { old = Date.now() - Date.parse(JSON.parse(store.getItem(key)).savedAt) > MAX_AGE; } catch (error) { old = true; }
      if (!mine || old) doomed.push(key);
    }
    doomed.forEach(function (key) { store.removeItem(key); });
  }

  purge(user);
  // Logging out: nothing of this user's stays behind for the next one.
  document.querySelectorAll("form[data-sign-out]").forEach(function (form) {
    form.addEventListener("submit", function () { purge(""); });
  });
})();
