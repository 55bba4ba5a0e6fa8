// Questionnaire forms: show and hide conditional questions in place (enableWhen), and keep
// what only the server can work out up to date (questions whose condition is an expression
// or reads a score, and the scores themselves) by posting the form's fields to its state URL
// (questionnaires/live.py) a moment after the person stops typing.
// Progressive enhancement only: without this file the server shows new questions after
// the answers that enable them are submitted. No dependencies; no inline code (CSP).
(function () {
  "use strict";

  var NOTICE = "More questions have appeared based on your answers";
  var STATE_DELAY = 300; // milliseconds after the last change before asking the server

  function toNumber(text) {
    var cleaned = String(text).replace(/[\s,]/g, "");
    if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(cleaned)) { return NaN; }
    return Number(cleaned);
  }

  function valuesOf(form, name) {
    var values = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.name !== name || el.disabled) { return; }
      if (el.type === "radio" || el.type === "checkbox") {
        if (el.checked && el.value !== "__other") { values.push(el.value); }
      } else if (el.value && el.value.trim() !== "") {
        values.push(el.value.trim());
      }
    });
    return values;
  }

  function compare(condition, value) {
    if (condition.kind === "number") {
      var number = toNumber(value);
      if (isNaN(number)) { return null; }
      return number === condition.value ? 0 : (number > condition.value ? 1 : -1);
    }
    var wanted = String(condition.value);
    if (condition.kind === "text" && value.length !== wanted.length && /^\d{4}-/.test(wanted)) { return null; }
    return value === wanted ? 0 : (value > wanted ? 1 : -1);
  }

  function holds(form, condition) {
    if (Object.prototype.hasOwnProperty.call(condition, "fixed")) { return condition.fixed; }
    var values = valuesOf(form, condition.name);
    if (condition.kind === "exists" || condition.op === "exists") { return (values.length > 0) === condition.value; }
    var results = values.map(function (v) { return compare(condition, v); });
    switch (condition.op) {
      case "=": return results.indexOf(0) !== -1;
      case "!=": return results.indexOf(0) === -1;
      case ">": return results.indexOf(1) !== -1;
      case "<": return results.indexOf(-1) !== -1;
      case ">=": return results.some(function (r) { return r === 0 || r === 1; });
      case "<=": return results.some(function (r) { return r === 0 || r === -1; });
      default: return true;
    }
  }

  function enabled(form, rule) {
    var results = rule.conditions.map(function (c) { return holds(form, c); });
    return rule.behavior === "any" ? results.indexOf(true) !== -1 : results.indexOf(false) === -1;
  }

  function shownQuestions(form) {
    return Array.prototype.filter.call(form.querySelectorAll("[data-q-question]"), function (el) {
      return !el.closest("[hidden]");
    }).length;
  }

  function update(form, before) {
    var items = Array.prototype.slice.call(form.querySelectorAll("[data-enable-when]"));
    if (before === undefined) { before = shownQuestions(form); }
    // Conditions can depend on items that are themselves conditional: settle in a few passes.
    for (var pass = 0; pass < 10; pass++) {
      var changed = false;
      items.forEach(function (item) {
        var rule;
        try { rule = JSON.parse(item.getAttribute("data-enable-when")); } catch (e) { return; }
        var show = enabled(form, rule);
        if (show === item.hidden) {
          item.hidden = !show;
          changed = true;
        }
      });
      Array.prototype.forEach.call(form.elements, function (el) {
        if (el.closest("[data-q-anchor]")) { el.disabled = Boolean(el.closest("[hidden]")); }
      });
      if (!changed) { break; }
    }
    var hidden = Array.prototype.filter.call(form.querySelectorAll("[data-q-question]"), function (el) {
      return Boolean(el.closest("[hidden]"));
    }).map(function (el) { return el.getAttribute("data-q-anchor"); });
    var record = form.querySelector("[data-q-hidden]");
    if (record) { record.value = JSON.stringify(hidden); }
    var live = form.querySelector("[data-q-live]");
    if (live && shownQuestions(form) > before) { live.textContent = NOTICE; }
  }

  // What the server says applies, and the calculated values, as text.
  function applyState(form, state) {
    if (!state || !state.enabled || !state.calculated) { return; }
    var before = shownQuestions(form);
    Array.prototype.forEach.call(form.querySelectorAll("[data-q-server]"), function (item) {
      item.hidden = state.enabled.indexOf(item.getAttribute("data-q-anchor")) === -1;
    });
    Array.prototype.forEach.call(form.querySelectorAll("[data-q-calculated]"), function (item) {
      var output = item.querySelector("[data-q-empty]");
      var text = state.calculated[item.getAttribute("data-q-anchor")];
      if (output && typeof text === "string") {
        output.textContent = text || output.getAttribute("data-q-empty");
      }
    });
    update(form, before);
  }

  function askServer(form) {
    var url = form.getAttribute("data-q-state-url");
    if (!url || !window.fetch || !window.FormData) { return; }
    window.clearTimeout(form.qStateTimer);
    form.qStateTimer = window.setTimeout(function () {
      var asked = (form.qStateAsked || 0) + 1;
      var fields = {};
      var token = form.querySelector("[name=csrfmiddlewaretoken]");
      form.qStateAsked = asked;
      // What a submit would send (FormData leaves out disabled inputs), as name -> values.
      new window.FormData(form).forEach(function (value, name) {
        if (typeof value === "string") { (fields[name] = fields[name] || []).push(value); }
      });
      window.fetch(url, {
        method: "POST", body: JSON.stringify(fields), credentials: "same-origin",
        headers: { "Content-Type": "application/json", "Accept": "application/json",
                   "X-CSRFToken": token ? token.value : "" }
      }).then(function (response) {
        return response.ok ? response.json() : null;
      }).then(function (state) {
        if (asked === form.qStateAsked) { applyState(form, state); } // only the latest answer counts
      }).catch(function () { /* the page stays as the server drew it */ });
    }, STATE_DELAY);
  }

  function exclusive(form, changed) {
    if (changed.type !== "checkbox" || !changed.checked) { return; }
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el === changed || el.name !== changed.name || el.type !== "checkbox") { return; }
      if (changed.hasAttribute("data-exclusive") || el.hasAttribute("data-exclusive")) { el.checked = false; }
    });
  }

  function init(root) {
    var forms = (root || document).querySelectorAll("form[data-questionnaire]");
    Array.prototype.forEach.call(forms, function (form) {
      if (form.getAttribute("data-q-ready")) { return; }
      form.setAttribute("data-q-ready", "1");
      form.addEventListener("change", function (event) { exclusive(form, event.target); update(form); askServer(form); });
      form.addEventListener("input", function () { update(form); askServer(form); });
      Array.prototype.forEach.call(form.querySelectorAll("[data-q-calculated] [data-q-empty]"), function (output) {
        output.setAttribute("aria-live", "polite");
      });
      update(form);
      askServer(form); // a browser may have put back answers from before
      var summary = form.querySelector("[data-error-summary]");
      if (summary) { summary.focus(); }
    });
  }

  window.CareguideQuestionnaire = { init: init };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  } else {
    init(document);
  }
})();
