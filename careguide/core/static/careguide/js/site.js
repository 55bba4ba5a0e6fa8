// Progressive enhancement only: every page reads and works without this file.
document.documentElement.classList.replace("no-js", "js");

// The back-pain program's red-flag questions open in a dialog over the page, where the
// seed pages show them. Without JavaScript (or without <dialog>) the link opens the
// questions as a normal page. Each step is the same server-rendered form: we fetch the
// page, show its `.js-gate-body` part, and post the answers back; when the server answers
// with a page that has no questions (the result), we go to that page itself.
(function () {
  "use strict";
  var openers = document.querySelectorAll(".js-gate-open");
  if (!openers.length || typeof window.HTMLDialogElement !== "function" || !window.fetch || !window.DOMParser) {
    return;
  }
  var dialog, body, opener;

  function build() {
    dialog = document.createElement("dialog");
    dialog.className = "gate-dialog";
    dialog.setAttribute("aria-labelledby", "gate-dialog-title");
    var bar = document.createElement("div");
    bar.className = "gate-dialog__bar";
    var title = document.createElement("p");
    title.id = "gate-dialog-title";
    title.className = "gate-dialog__title";
    title.textContent = "Back pain program: safety questions";
    var close = document.createElement("button");
    close.type = "button";
    close.className = "gate-dialog__close";
    close.textContent = "Close";
    close.addEventListener("click", function () { dialog.close(); });
    bar.append(title, close);
    body = document.createElement("div");
    body.className = "gate-dialog__body";
    dialog.append(bar, body);
    document.body.appendChild(dialog);
    dialog.addEventListener("close", function () { if (opener) { opener.focus(); } });
    dialog.addEventListener("submit", onSubmit);
  }

  function show(html, url) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var part = doc.querySelector(".js-gate-body");
    if (!part) {
      window.location.assign(url);
      return;
    }
    // The questions' own stylesheets, if this page does not have them yet.
    doc.querySelectorAll("link[rel=stylesheet]").forEach(function (link) {
      var href = link.getAttribute("href");
      if (!document.querySelector('link[rel=stylesheet][href="' + href + '"]')) {
        document.head.appendChild(document.importNode(link, true));
      }
    });
    body.replaceChildren(document.importNode(part, true));
    var target = body.querySelector(".error-summary") || body.querySelector("h1, h2, legend");
    if (target) {
      target.setAttribute("tabindex", "-1");
      target.focus();
    }
  }

  function load(url, options) {
    var settings = Object.assign({ credentials: "same-origin", headers: { "X-Requested-With": "fetch" } }, options);
    return fetch(url, settings)
      .then(function (response) {
        return response.text().then(function (text) { show(text, response.url); });
      })
      .catch(function () { window.location.assign(url); });
  }

  function onSubmit(event) {
    var form = event.target;
    event.preventDefault();
    var data;
    try {
      data = new FormData(form, event.submitter);
    } catch (error) {
      data = new FormData(form);
      if (event.submitter && event.submitter.name) { data.append(event.submitter.name, event.submitter.value); }
    }
    load(form.getAttribute("action"), { method: "POST", body: data });
  }

  openers.forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      opener = link;
      if (!dialog) { build(); }
      body.textContent = "Loading the questions\u2026";
      dialog.showModal();
      load(link.getAttribute("href"));
    });
  });
})();
