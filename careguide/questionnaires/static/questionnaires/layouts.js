// Questionnaire layouts (ADR 0036), as progressive enhancement over the plain form:
// - a number box marked data-q-slider gets a range input beside it that moves with it (the
//   box stays the posted control, for people who type and for screen readers);
// - a select marked data-q-autocomplete becomes an ARIA 1.2 combobox that filters as you
//   type. The select stays in the form, hidden, and is what is posted: choosing an answer
//   sets it, so only a listed answer's token can ever be sent, never the typed text.
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
    ["aria-describedby", "aria-invalid"].forEach(function (name) {
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
  }

  window.CareguideLayouts = { init: init };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  } else {
    init(document);
  }
})();
