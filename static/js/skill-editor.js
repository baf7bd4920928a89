/* The skill editor (progressive: without it the form still works). Loaded by
 * profiles/includes/_skill_editor_script.html. */
(function () {
  "use strict";
  function editorOf(el) { return el.closest(".skill-editor"); }
  function clearInput(editor) {
    var input = editor.querySelector("input[name$='-add']");
    var box = editor.querySelector(".skill-suggestions");
    if (input) { input.value = ""; input.setAttribute("aria-expanded", "false"); input.focus(); }
    if (box) { box.innerHTML = ""; }
  }
  document.addEventListener("click", function (event) {
    var remove = event.target.closest("[data-skill-remove]");
    if (remove) {
      event.preventDefault();
      remove.closest(".skill-row").remove();
    }
  });
  // Do not add a skill twice: flash the existing row instead.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var option = event.target.closest && event.target.closest(".skill-option");
    if (!option) { return; }
    var editor = editorOf(option);
    var key = option.getAttribute("data-skill-key");
    var existing = Array.prototype.find.call(editor.querySelectorAll(".skill-row"), function (row) { return row.getAttribute("data-key") === key; });
    if (existing) {
      event.preventDefault();
      existing.classList.add("list-group-item-warning");
      setTimeout(function () { existing.classList.remove("list-group-item-warning"); }, 900);
      clearInput(editor);
    }
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (target.classList.contains("skill-rows")) { clearInput(editorOf(target)); }
    if (target.classList.contains("skill-suggestions")) {
      var input = editorOf(target).querySelector("input[name$='-add']");
      if (input) { input.setAttribute("aria-expanded", target.children.length ? "true" : "false"); }
    }
  });
  // Enter in the input picks the first suggestion instead of submitting the form;
  // if the suggestions are not yet those of what was typed, it picks once they are.
  var pendingPick = null;
  function typedQuery(input) { return input.value.split(",").pop().trim(); }
  function pickFirst(editor, input) {
    var first = editor.querySelector(".skill-option");
    if (first && first.getAttribute("data-query") === typedQuery(input)) {
      // Just swapped in, an option is wired up only when htmx settles; make sure
      // it is before clicking it (htmx.process is idempotent).
      if (window.htmx) { htmx.process(first); }
      first.click();
      return true;
    }
    return false;
  }
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !event.target.matches || !event.target.matches(".skill-editor input[name$='-add']")) { return; }
    var input = event.target;
    if (!typedQuery(input)) { return; }  // nothing typed: let Enter submit the form
    event.preventDefault();
    var editor = editorOf(input);
    if (!pickFirst(editor, input)) {
      pendingPick = input;
      // Ask for the suggestions of exactly what was typed now, rather than hoping a
      // debounced request is still on its way (it may have been answered already).
      if (window.htmx) { htmx.trigger(input, "skills:search"); }
    }
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail.target;
    if (pendingPick && target.classList.contains("skill-suggestions") && editorOf(target) === editorOf(pendingPick)) {
      if (pickFirst(editorOf(target), pendingPick)) { pendingPick = null; }
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && event.target.matches && event.target.matches(".skill-editor input[name$='-add']")) {
      editorOf(event.target).querySelector(".skill-suggestions").innerHTML = "";
    }
  });
})();
