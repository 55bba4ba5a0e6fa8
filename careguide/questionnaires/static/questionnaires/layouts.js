// Questionnaire layouts (ADR 0036), as progressive enhancement over the plain form:
// - a number box marked data-q-slider gets a range input beside it that moves with it (the
//   box stays the posted control, for people who type and for screen readers);
// - a select marked data-q-autocomplete becomes an ARIA 1.2 combobox that filters as you
//   type. The select stays in the form, hidden, and is what is posted: choosing an answer
//   sets it, so only a listed answer's token can ever be sent, never the typed text.
// - a tab-container group becomes ARIA tabs over its child groups (without JavaScript they are
//   stacked after a list of links to them).
// Changes are announced to questionnaire.js (enableWhen, live score) by the events it listens to.
// No dependencies; no inline code (CSP).
(function () {
  "use strict";

  var counter = 0;

  function fire(el, type) {
    el.dispatchEvent(new Event(type, { bubbles: true }));
  }

  // ----- slider -----
  function slider(box) {
    var range = document.createElement("input");
    var label = document.querySelector("label[for='" + box.id + "']");
    range.type = "range";
    range.className = "q-range";
    range.id = box.id + "-range";
    range.min = box.getAttribute("data-q-min");
    range.max = box.getAttribute("data-q-max");
    range.step = box.getAttribute("data-q-step");
    if (label) {
      if (!label.id) { label.id = box.id + "-label"; }
      range.setAttribute("aria-labelledby", label.id);
    }
    function fromBox() {
      var number = Number(String(box.value).trim());
      var answered = String(box.value).trim() !== "" && !isNaN(number);
      range.value = answered ? String(number) : range.min;
      range.setAttribute("aria-valuetext", answered ? String(box.value).trim() : "Not answered");
    }
    range.addEventListener("input", function () {
      box.value = range.value;
      range.setAttribute("aria-valuetext", range.value);
      fire(box, "input");
    });
    range.addEventListener("change", function () { fire(box, "change"); });
    box.addEventListener("input", fromBox);
    fromBox();
    var wrap = document.createElement("div");
    wrap.className = "q-slider";
    var low = document.createElement("span");
    var high = document.createElement("span");
    low.className = high.className = "q-slider__bound";
    low.setAttribute("aria-hidden", "true");
    high.setAttribute("aria-hidden", "true");
    low.textContent = range.min;
    high.textContent = range.max;
    wrap.appendChild(low);
    wrap.appendChild(range);
    wrap.appendChild(high);
    box.parentNode.insertBefore(wrap, box);
    var disabled = function () { range.disabled = box.disabled; };
    box.form.addEventListener("change", disabled);
    box.form.addEventListener("input", disabled);
    disabled();
  }

  // ----- autocomplete (ARIA 1.2 combobox with a list popup) -----
  function combobox(select) {
    var id = select.id;
    var label = document.querySelector("label[for='" + id + "']");
    var options = Array.prototype.filter.call(select.options, function (o) { return o.value !== ""; });
    var input = document.createElement("input");
    var list = document.createElement("ul");
    var active = -1;
    var shown = [];
    counter += 1;
    select.id = id + "-select";
    // Not `hidden`: questionnaire.js disables (so never posts) whatever sits in a hidden item.
    select.classList.add("q-combobox__select");
    select.setAttribute("aria-hidden", "true");
    select.tabIndex = -1;
    input.type = "text";
    input.id = id;
    input.className = "q-input q-combobox__input";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("autocomplete", "off");
    list.id = id + "-listbox";
    list.className = "q-combobox__list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    input.setAttribute("aria-controls", list.id);
    if (label) {
      if (!label.id) { label.id = id + "-label"; }
      list.setAttribute("aria-labelledby", label.id);
    }
    ["aria-describedby", "aria-invalid", "aria-labelledby"].forEach(function (name) {
      if (select.hasAttribute(name)) { input.setAttribute(name, select.getAttribute(name)); }
    });
    var hint = document.createElement("span");
    hint.className = "visually-hidden";
    hint.id = id + "-how";
    hint.textContent = "Type to filter the answers, then use the arrow keys and Enter to choose.";
    input.setAttribute("aria-describedby", ((input.getAttribute("aria-describedby") || "") + " " + hint.id).trim());

    function chosenText() {
      var option = select.options[select.selectedIndex];
      return option && option.value !== "" ? option.text : "";
    }
    function open() { list.hidden = false; input.setAttribute("aria-expanded", "true"); }
    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }
    function highlight(index) {
      active = index;
      shown.forEach(function (li, i) { li.setAttribute("aria-selected", i === index ? "true" : "false"); });
      if (index >= 0 && shown[index]) {
        input.setAttribute("aria-activedescendant", shown[index].id);
        if (shown[index].scrollIntoView) { shown[index].scrollIntoView({ block: "nearest" }); }
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }
    function filter() {
      var typed = input.value.trim().toLowerCase();
      list.innerHTML = "";
      shown = [];
      options.forEach(function (option, i) {
        if (typed && option.text.toLowerCase().indexOf(typed) === -1) { return; }
        var li = document.createElement("li");
        li.id = "q-combo-" + counter + "-" + i;
        li.className = "q-combobox__option";
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.setAttribute("data-value", option.value);
        li.textContent = option.text;
        li.addEventListener("mousedown", function (event) { event.preventDefault(); });
        li.addEventListener("click", function () { choose(li); });
        list.appendChild(li);
        shown.push(li);
      });
      if (!shown.length) {
        var none = document.createElement("li");
        none.className = "q-combobox__none";
        none.textContent = "No answers match";
        list.appendChild(none);
      }
      open();
      highlight(-1);
    }
    function choose(li) {
      select.value = li.getAttribute("data-value");
      input.value = li.textContent;
      close();
      fire(select, "change");
    }
    function settle() {
      // Typed text that is not a listed answer is never kept: an empty box clears the answer,
      // anything else goes back to the answer chosen before.
      if (input.value.trim() === "") {
        if (select.value !== "") { select.value = ""; fire(select, "change"); }
      } else {
        input.value = chosenText();
      }
      close();
    }
    input.addEventListener("input", filter);
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (list.hidden) { filter(); }
        if (shown.length) { highlight(Math.min(active + 1, shown.length - 1)); }
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        if (shown.length) { highlight(Math.max(active - 1, 0)); }
      } else if (event.key === "Enter") {
        if (!list.hidden && active >= 0) { event.preventDefault(); choose(shown[active]); }
      } else if (event.key === "Escape") {
        if (!list.hidden) { event.preventDefault(); input.value = chosenText(); close(); }
      }
    });
    input.addEventListener("blur", settle);
    input.value = chosenText();
    select.parentNode.insertBefore(input, select);
    select.parentNode.insertBefore(list, select);
    select.parentNode.insertBefore(hint, select);
    var disabled = function () { input.disabled = select.disabled; };
    select.form.addEventListener("change", disabled);
    select.form.addEventListener("input", disabled);
    disabled();
  }


  // ----- tab-container (ARIA tabs: roving tabindex, arrow keys, Home and End) -----
  // Panels are never `hidden` (questionnaire.js would disable, so never post, their fields): an
  // inactive panel is only out of sight, and every tab's answers are sent whichever is shown.
  function tabs(container) {
    var links = container.querySelector("[data-q-tab-links]");
    var title = container.querySelector(".q-legend--group");
    var panels = Array.prototype.filter.call(container.children, function (el) {
      return el.hasAttribute("data-q-anchor");
    });
    if (!links || !panels.length) { return; }
    var list = document.createElement("div");
    var buttons = [];
    list.className = "q-tabs__list";
    list.setAttribute("role", "tablist");
    if (title) { list.setAttribute("aria-labelledby", title.id); }
    var texts = Array.prototype.map.call(links.querySelectorAll("a"), function (a) { return a.textContent; });
    panels.forEach(function (panel, i) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "q-tabs__tab";
      button.id = container.id + "-tab-" + (i + 1);
      button.setAttribute("role", "tab");
      button.setAttribute("aria-controls", panel.id || (panel.id = container.id + "-panel-" + (i + 1)));
      button.textContent = texts[i] || ("Part " + (i + 1));
      panel.setAttribute("role", "tabpanel");
      panel.setAttribute("aria-labelledby", button.id);
      panel.tabIndex = 0;
      button.addEventListener("click", function () { select(i, false); });
      button.addEventListener("keydown", function (event) {
        var shown = buttons.filter(function (b) { return !b.hidden; });
        var at = shown.indexOf(button);
        var to = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: shown.length - 1 }[event.key];
        if (to === undefined) { return; }
        event.preventDefault();
        to = (to + shown.length) % shown.length;
        select(buttons.indexOf(shown[to]), true);
      });
      buttons.push(button);
      list.appendChild(button);
    });
    function select(index, focus) {
      buttons.forEach(function (b, i) {
        var on = i === index;
        b.setAttribute("aria-selected", on ? "true" : "false");
        b.tabIndex = on ? 0 : -1;
        panels[i].classList.toggle("q-tabs__panel--inactive", !on);
      });
      if (focus) { buttons[index].focus(); }
    }
    function sync() {  // a tab whose group enableWhen hides is hidden with it
      buttons.forEach(function (b, i) { b.hidden = panels[i].hidden; });
    }
    links.classList.add("q-tabs__contents--replaced");
    links.parentNode.insertBefore(list, links);
    container.classList.add("q-tabs--enhanced");
    var form = container.closest("form");
    if (form) {
      form.addEventListener("change", sync);
      form.addEventListener("input", sync);
    }
    sync();
    // An error in a tab that is out of sight: show that tab (the first one with an error).
    var first = panels.findIndex(function (p) { return p.querySelector(".q-item--error, [aria-invalid=true]"); });
    select(first === -1 ? 0 : first, false);
    container.qShowTarget = function (target) {
      var at = panels.findIndex(function (p) { return p.contains(target); });
      if (at !== -1) { select(at, false); }
    };
  }

  // A link (the error summary's) to a field in an inactive tab shows that tab first.
  function showTarget(hash) {
    var target = hash && hash.length > 1 ? document.getElementById(decodeURIComponent(hash.slice(1))) : null;
    var container = target ? target.closest("[data-q-tabs]") : null;
    if (container && container.qShowTarget) { container.qShowTarget(target); }
  }

  function init(root) {
    var scope = root || document;
    Array.prototype.forEach.call(scope.querySelectorAll("input[data-q-slider]:not([data-q-laid-out])"), function (box) {
      box.setAttribute("data-q-laid-out", "1");
      slider(box);
    });
    Array.prototype.forEach.call(scope.querySelectorAll("select[data-q-autocomplete]:not([data-q-laid-out])"), function (select) {
      select.setAttribute("data-q-laid-out", "1");
      combobox(select);
    });
    Array.prototype.forEach.call(scope.querySelectorAll("[data-q-tabs]:not([data-q-laid-out])"), function (container) {
      container.setAttribute("data-q-laid-out", "1");
      tabs(container);
    });
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[href^='#']") : null;
    if (link) { showTarget(link.getAttribute("href")); }
  });
  window.addEventListener("hashchange", function () { showTarget(window.location.hash); });

  window.CareguideLayouts = { init: init };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  } else {
    init(document);
  }
})();
