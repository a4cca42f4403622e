// Kesu staff workspace: keyboard shortcuts and drafts that survive errors and lost sessions.
(function () {
  "use strict";

  // Forms marked data-draft="key" keep what was typed in localStorage until the server
  // accepts them, so a validation error, an expired session or a dropped connection never
  // loses a customer's account.
  function draftKey(form) { return "kesu-draft:" + form.dataset.draft; }

  function saveDraft(form) {
    var data = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "password" || el.type === "hidden" || el.type === "file") return;
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) return;
      data[el.name] = el.value;
    });
    try { localStorage.setItem(draftKey(form), JSON.stringify(data)); } catch (e) { /* storage full */ }
  }

  function restoreDraft(form) {
    var raw;
    try { raw = localStorage.getItem(draftKey(form)); } catch (e) { return; }
    if (!raw) return;
    var data = JSON.parse(raw);
    var restored = false;
    Object.keys(data).forEach(function (name) {
      var fields = form.querySelectorAll('[name="' + name + '"]');
      Array.prototype.forEach.call(fields, function (el) {
        if (el.type === "radio" || el.type === "checkbox") {
          if (el.value === data[name] && !el.checked) { el.checked = true; restored = true; }
        } else if (!el.value && data[name]) {
          el.value = data[name];
          restored = true;
        }
      });
    });
    if (restored) {
      var note = form.querySelector("[data-draft-note]");
      if (note) note.hidden = false;
      var phone = form.querySelector("[name=phone]");
      if (phone && phone.value && window.htmx) htmx.trigger(phone, "change");
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    // A page that confirms a save clears the draft it came from.
    document.querySelectorAll("[data-clear-draft]").forEach(function (el) {
      try { localStorage.removeItem("kesu-draft:" + el.dataset.clearDraft); } catch (e) { /* ignore */ }
    });
    document.querySelectorAll("form[data-draft]").forEach(function (form) {
      restoreDraft(form);
      form.addEventListener("input", function () { saveDraft(form); });
      form.addEventListener("change", function () { saveDraft(form); });
    });
    var discard = document.querySelector("[data-discard-draft]");
    if (discard) {
      discard.addEventListener("click", function (ev) {
        ev.preventDefault();
        try { localStorage.removeItem("kesu-draft:" + discard.dataset.discardDraft); } catch (e) { /* ignore */ }
        window.location.reload();
      });
    }
  });

  // Shortcuts: Alt+N new complaint, Alt+W my work, Alt+L list, / search; Ctrl+Enter saves a form.
  document.addEventListener("keydown", function (ev) {
    var target = ev.target;
    var typing = target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.tagName === "SELECT");
    if (ev.ctrlKey && ev.key === "Enter" && target && target.form) {
      ev.preventDefault();
      target.form.requestSubmit();
      return;
    }
    if (ev.altKey && !ev.ctrlKey) {
      var links = { n: "[data-shortcut=new]", w: "[data-shortcut=work]", l: "[data-shortcut=list]" };
      var sel = links[ev.key.toLowerCase()];
      if (sel) {
        var link = document.querySelector(sel);
        if (link) { ev.preventDefault(); window.location = link.href; }
      }
    }
    if (!typing && ev.key === "/") {
      var search = document.querySelector("[data-shortcut=search]");
      if (search) { ev.preventDefault(); search.focus(); }
    }
  });
})();
