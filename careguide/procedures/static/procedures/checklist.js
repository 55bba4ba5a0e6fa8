// Procedure checklists: each tick is saved as it is made, and "N of M" follows.
// Progressive enhancement only: without this file the "Save my checklist" button saves the
// ticks, the date and the reminder together. No dependencies; no inline code (CSP).
(function () {
  "use strict";
  var form = document.querySelector("form.procedures-form[data-tick-url]");
  if (!form || !window.fetch || !window.FormData || !window.Promise) { return; }
  var url = form.getAttribute("data-tick-url");
  var token = form.querySelector("input[name=csrfmiddlewaretoken]");
  var count = document.getElementById("progress-count");
  var status = document.getElementById("tick-status");
  var hint = document.getElementById("tick-hint");
  var FAILED = "We could not save your last tick. Check your connection, then press \u201cSave my checklist\u201d.";
  if (hint && hint.getAttribute("data-js-text")) { hint.textContent = hint.getAttribute("data-js-text"); }

  function say(text, problem) {
    if (!status) { return; }
    status.textContent = text;
    status.classList.toggle("procedures-tick-status--problem", Boolean(problem));
  }

  // One save at a time, in the order the ticks were made, so the last tick always wins.
  var queue = Promise.resolve();

  function save(box) {
    var data = new FormData();
    data.append("csrfmiddlewaretoken", token ? token.value : "");
    data.append("item", box.value);
    data.append("ticked", box.checked ? "true" : "false");
    return fetch(url, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "Accept": "application/json", "X-Requested-With": "fetch" }
    }).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    }).then(function (answer) {
      if (count) { count.textContent = answer.done + " of " + answer.total; }
      say(answer.message, false);
    }).catch(function () {
      say(FAILED, true);
    });
  }

  form.addEventListener("change", function (event) {
    var box = event.target;
    if (box.name !== "ticked" || box.type !== "checkbox") { return; }
    queue = queue.then(function () { return save(box); });
  });
})();
