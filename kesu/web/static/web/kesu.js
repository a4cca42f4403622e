// Kesu staff workspace: keyboard shortcuts and drafts that survive errors and lost sessions.
(function () {
  "use strict";

  // Forms marked data-draft="key" keep what was typed in localStorage until the server
  // accepts them, so a validation error, an expired session or a dropped connection never
  // loses a customer's account. A draft is stored with the time it was typed; one older than
  // DRAFT_MAX_AGE (or in an older format, of unknown age) is dropped. Restoring fills only
  // empty fields, never appends to what a field holds, and shows a notice saying when and for
  // whom it was typed, with a button (Alt+D) that discards it and empties the form.
  var DRAFT_MAX_AGE = 4 * 60 * 60 * 1000;
  var TEXT_TYPES = { text: 1, tel: 1, search: 1, email: 1, number: 1, url: 1, date: 1, "datetime-local": 1 };

  // A draft is the signed-in user's own: the next person at the same browser never gets it.
  function storageKey(name) { return "kesu-draft:" + (document.body.dataset.user || "") + ":" + name; }

  function draftKey(form) { return storageKey(form.dataset.draft); }

  function forgetDraft(key) {
    try { localStorage.removeItem(storageKey(key)); } catch (e) { /* ignore */ }
  }

  // Drafts of the first version were not tied to a user: nobody can tell whose they are.
  function dropUnownedDrafts() {
    try {
      for (var i = localStorage.length - 1; i >= 0; i--) {
        var key = localStorage.key(i);
        if (key && key.indexOf("kesu-draft:") === 0 && key.split(":").length < 3) localStorage.removeItem(key);
      }
    } catch (e) { /* storage unavailable */ }
  }

  function isTyped(el) {
    return el.tagName === "TEXTAREA" || (el.tagName === "INPUT" && TEXT_TYPES[el.type]);
  }

  function saveDraft(form) {
    var fields = {};
    var typed = false;
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "password" || el.type === "hidden" || el.type === "file") return;
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) return;
      fields[el.name] = el.value;
      if (isTyped(el) && el.value.trim()) typed = true;
    });
    if (!typed) { forgetDraft(form.dataset.draft); return; }
    var draft = { v: 2, savedAt: Date.now(), fields: fields };
    try { localStorage.setItem(draftKey(form), JSON.stringify(draft)); } catch (e) { /* storage full */ }
  }

  function loadDraft(form) {
    var raw;
    try { raw = localStorage.getItem(draftKey(form)); } catch (e) { return null; }
    if (!raw) return null;
    var draft;
    try { draft = JSON.parse(raw); } catch (e) { draft = null; }
    if (!draft || draft.v !== 2 || typeof draft.savedAt !== "number" || !draft.fields ||
        Date.now() - draft.savedAt > DRAFT_MAX_AGE || draft.savedAt > Date.now() + 60000) {
      forgetDraft(form.dataset.draft);
      return null;
    }
    return draft;
  }

  function when(ms) {
    var d = new Date(ms);
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    var time = pad(d.getHours()) + ":" + pad(d.getMinutes());
    if (d.toDateString() === new Date().toDateString()) return time;
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + " " + time;
  }

  function initialIndex(select) {
    for (var i = 0; i < select.options.length; i++) {
      if (select.options[i].defaultSelected) return i;
    }
    return select.options.length ? 0 : -1;
  }

  function restoreDraft(form) {
    var draft = loadDraft(form);
    if (!draft) return false;
    var data = draft.fields;
    var restored = false;
    Object.keys(data).forEach(function (name) {
      var value = data[name];
      if (typeof value !== "string" || !value) return;
      var fields = form.querySelectorAll('[name="' + name + '"]');
      Array.prototype.forEach.call(fields, function (el) {
        if (el.type === "hidden" || el.type === "file" || el.type === "password") return;
        if (el.type === "radio" || el.type === "checkbox") {
          if (el.value === value && !el.checked) { el.checked = true; restored = true; }
        } else if (el.tagName === "SELECT") {
          // Only a select still at its initial choice takes the draft's.
          if (el.selectedIndex === initialIndex(el) && el.value !== value) {
            el.value = value;
            if (el.value === value) restored = true;
          }
        } else if (!el.value) {
          el.value = value; // replaces an empty field; never appended to what is there
          restored = true;
        }
      });
    });
    if (!restored) return false;
    var note = form.querySelector("[data-draft-note]");
    if (note) {
      var who = [data.customer_name, data.phone].filter(function (v) { return v && v.trim(); });
      var whenEl = note.querySelector("[data-draft-when]");
      var whoEl = note.querySelector("[data-draft-who]");
      if (whenEl) whenEl.textContent = when(draft.savedAt);
      if (whoEl) whoEl.textContent = who.length ? who.join(" · ") : "—";
      note.hidden = false;
    }
    var phone = form.querySelector("[name=phone]");
    if (phone && phone.value && (phone.hasAttribute("autofocus") || document.activeElement === phone)) {
      // The cursor sits in the restored phone: what is typed next replaces it.
      phone.focus();
      phone.select();
    }
    return true;
  }

  // A phone already in the form (restored, or sent back after an error) shows its customer.
  function lookUpPhone(form) {
    var phone = form.querySelector("[name=phone][hx-get]");
    if (phone && phone.value && window.htmx) htmx.trigger(phone, "change");
  }

  function discardDraft(form) {
    forgetDraft(form.dataset.draft);
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrfmiddlewaretoken") return;
      if (el.type === "radio" || el.type === "checkbox") { el.checked = el.defaultChecked; return; }
      if (el.tagName === "SELECT") { el.selectedIndex = initialIndex(el); return; }
      if (el.type === "hidden" && el.name !== "customer" && el.name !== "purchase") return;
      if (el.type === "button" || el.type === "submit") return;
      el.value = "";
    });
    var lookup = form.querySelector("#lookup");
    if (lookup) lookup.innerHTML = "";
    form.querySelectorAll(".errorlist, .field-error .errorlist").forEach(function (el) { el.remove(); });
    var note = form.querySelector("[data-draft-note]");
    if (note) note.hidden = true;
    updateCounters(form);
    var first = form.querySelector("[autofocus]") || form.querySelector("input:not([type=hidden]), textarea");
    if (first) first.focus();
  }

  function visibleDiscard() {
    var buttons = document.querySelectorAll("[data-discard-draft]");
    for (var i = 0; i < buttons.length; i++) {
      var note = buttons[i].closest("[data-draft-note]");
      if (!note || !note.hidden) return buttons[i];
    }
    return null;
  }

  document.addEventListener("DOMContentLoaded", function () {
    dropUnownedDrafts();
    // A page that confirms a save clears the draft it came from.
    document.querySelectorAll("[data-clear-draft]").forEach(function (el) {
      forgetDraft(el.dataset.clearDraft);
    });
    document.querySelectorAll("form[data-draft]").forEach(function (form) {
      // A restored move form opens, so the typed text is seen where it was left.
      if (restoreDraft(form)) {
        var details = form.closest("details");
        if (details) details.open = true;
      }
      lookUpPhone(form);
      form.addEventListener("input", function () { saveDraft(form); });
      form.addEventListener("change", function () { saveDraft(form); });
    });
    document.querySelectorAll("[data-discard-draft]").forEach(function (button) {
      button.addEventListener("click", function (ev) {
        ev.preventDefault();
        var form = button.closest("form[data-draft]");
        if (form) discardDraft(form); else forgetDraft(button.dataset.discardDraft);
      });
    });
  });

  // The customer form: a person has a birthday, a company a founding day; ticking "corporate
  // customer" shows the one that applies (the server renders the right one to begin with).
  document.addEventListener("change", function (ev) {
    var box = ev.target;
    if (!box || box.name !== "is_company" || !box.closest("[data-customer-type]")) return;
    var form = box.form;
    form.querySelectorAll("[data-person-only]").forEach(function (el) { el.hidden = box.checked; });
    form.querySelectorAll("[data-company-only]").forEach(function (el) { el.hidden = !box.checked; });
  });

  // "Add to this complaint" in the intake's customer lookup: the typed summary and account go
  // to that complaint as a note (the server clears the draft on the page it opens).
  document.addEventListener("click", function (ev) {
    var button = ev.target.closest && ev.target.closest("[data-add-to]");
    if (!button || !button.form) return;
    ev.preventDefault();
    var form = button.form;
    var title = form.querySelector("[name=title]");
    var account = form.querySelector("[name=account]");
    if (title && account && !title.value.trim() && !account.value.trim()) {
      title.focus(); // nothing to add yet: the summary comes first
      return;
    }
    var action = form.getAttribute("action");
    form.action = button.dataset.addTo;
    form.submit(); // the request is built now; the form keeps its own action afterwards
    if (action === null) form.removeAttribute("action"); else form.setAttribute("action", action);
  });

  // Triage suggestions at intake (the panel under the account, #intake-suggestions). "Accept
  // all" (Alt+A) fills each field not yet chosen with its suggestion: an empty field, or on a
  // fresh form one still at the page's default (the demand starts at "repair"); a field staff
  // changed by hand keeps what they chose. A suggestion's own button fills its field whatever
  // it holds. Filled values fire input/change as typing would (drafts, routing preview).
  function markHandChanged(ev) {
    var el = ev.target;
    if (ev.isTrusted && el && el.form && el.form.id === "intake-form") el.dataset.handChanged = "1";
  }
  document.addEventListener("input", markHandChanged, true);
  document.addEventListener("change", markHandChanged, true);

  function atDefault(el) {
    if (el.tagName === "SELECT") {
      var initial = initialIndex(el);
      return el.selectedIndex === (initial < 0 ? 0 : initial);
    }
    return el.value === el.defaultValue;
  }

  function notYetChosen(el) {
    if (!el.value) return true;
    return !el.dataset.handChanged && el.form && el.form.hasAttribute("data-fresh") && atDefault(el);
  }

  function fillSuggestion(button) {
    var el = document.getElementById(button.dataset.triageAccept);
    var value = button.dataset.value;
    if (!el || value === undefined) return false;
    if (el.tagName === "SELECT" &&
        !Array.prototype.some.call(el.options, function (o) { return o.value === value; })) return false;
    if (el.value === value) return true;
    el.value = value;
    delete el.dataset.handChanged;
    el.classList.add("triage-filled");
    el.dispatchEvent(new Event("input", { bubbles: true }));
    el.dispatchEvent(new Event("change", { bubbles: true }));
    return true;
  }

  function acceptAll(panel) {
    panel.querySelectorAll("tr[data-triage-row]").forEach(function (row) {
      var button = row.querySelector("td:last-child [data-triage-accept]");
      var el = button && document.getElementById(button.dataset.triageAccept);
      if (el && notYetChosen(el)) fillSuggestion(button);
    });
  }

  document.addEventListener("click", function (ev) {
    var all = ev.target.closest && ev.target.closest("[data-triage-accept-all]");
    if (all) { ev.preventDefault(); acceptAll(all.closest("[data-triage-panel]") || document); return; }
    var one = ev.target.closest && ev.target.closest("[data-triage-accept]");
    if (one) { ev.preventDefault(); fillSuggestion(one); }
  });

  // Nothing is asked while the summary and the account are both empty; the panel empties.
  document.addEventListener("htmx:confirm", function (ev) {
    var box = ev.target;
    if (!box || !box.dataset || !box.dataset.triageSource) return;
    var typed = box.dataset.triageSource.split(" ").some(function (id) {
      var el = document.getElementById(id);
      return el && el.value.trim();
    });
    if (!typed) { ev.preventDefault(); box.innerHTML = ""; }
  });

  // Shortcuts: Alt+N new complaint, Alt+W my work, Alt+L list, / search; Ctrl+Enter saves a form;
  // Alt+D discards a restored draft; Alt+A accepts the intake's triage suggestions.
  document.addEventListener("keydown", function (ev) {
    var target = ev.target;
    var typing = target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.tagName === "SELECT");
    if (ev.ctrlKey && ev.key === "Enter" && target && target.form) {
      ev.preventDefault();
      target.form.requestSubmit();
      return;
    }
    if (ev.altKey && !ev.ctrlKey && (ev.code === "KeyD" || ev.key.toLowerCase() === "d")) {
      var discard = visibleDiscard();
      if (discard) { ev.preventDefault(); discard.click(); return; }
    }
    if (ev.altKey && !ev.ctrlKey && !ev.metaKey && ev.code === "KeyA") {
      var accept = document.querySelector("[data-triage-accept-all]");
      if (accept) { ev.preventDefault(); accept.click(); return; }
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

  // Behaviour declared in the markup with data attributes, so no page needs an inline script
  // (the Content-Security-Policy allows scripts from Kesu's own files only).
  document.addEventListener("change", function (ev) {
    var el = ev.target;
    if (el.dataset.copyTo) {
      var into = document.getElementById(el.dataset.copyTo);
      if (into) into.value = el.value;
    }
    if (el.hasAttribute("data-submit-on-change") && el.form) el.form.requestSubmit();
    if (el.id) showFor(el);
    if (el.dataset.selectAll) {
      document.querySelectorAll('input[name="' + el.dataset.selectAll + '"]').forEach(function (box) {
        box.checked = el.checked;
      });
    }
  });
  document.addEventListener("click", function (ev) {
    if (ev.target.closest && ev.target.closest("[data-print]")) window.print();
  });

  // Fields shown only for some values of a select (the intake's third-party fields for the
  // forwarding channels): data-show-when="<id of the select>", data-show-values="a b c". What
  // already holds a value stays shown, so nothing typed is hidden.
  function showFor(select) {
    document.querySelectorAll('[data-show-when="' + select.id + '"]').forEach(function (box) {
      var values = (box.dataset.showValues || "").split(" ");
      var filled = Array.prototype.some.call(box.querySelectorAll("input, textarea"), function (i) {
        return i.value.trim() !== "";
      });
      box.hidden = values.indexOf(select.value) < 0 && !filled;
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-show-when]").forEach(function (box) {
      var select = document.getElementById(box.dataset.showWhen);
      if (select) showFor(select);
    });
  });

  // A text with a limit shows "typed / limit" as it is typed: the input carries maxlength and
  // data-counter="<id of the element showing the count>" (rendered by the char_count tag).
  // Counted in characters as the server counts them (an emoji is one, a line break is one).
  function updateCounter(el) {
    var out = document.getElementById(el.dataset.counter);
    var limit = parseInt(el.getAttribute("maxlength"), 10);
    if (!out || !limit) return;
    var typed = Array.from(el.value).length;
    out.textContent = typed + " / " + limit;
    out.classList.toggle("over", typed > limit);
  }
  function updateCounters(root) {
    (root || document).querySelectorAll("[data-counter]").forEach(updateCounter);
  }
  document.addEventListener("input", function (ev) {
    if (ev.target.dataset && ev.target.dataset.counter) updateCounter(ev.target);
  });
  // After drafts are restored (their DOMContentLoaded handler was added first).
  document.addEventListener("DOMContentLoaded", function () { updateCounters(); });

  // After the customer lookup under the phone field: the customer picked (the first found is
  // checked) goes into the form; "new customer" empties it.
  function afterLookup(box) {
    var customer = document.getElementById("id_customer");
    if (!customer) return;
    var picked = box.querySelector("input[name=pick_customer]:checked");
    if (picked) customer.value = picked.value;
    else if (box.querySelector("[data-new-customer]")) customer.value = "";
  }

  // The "tick these first" notes of the move forms follow the checklist as it is ticked.
  function refreshChecklistNotes() {
    var done = {};
    document.querySelectorAll("#checklist li.done input[name=item]").forEach(function (i) {
      done[i.value] = true;
    });
    document.querySelectorAll(".checklist-missing").forEach(function (box) {
      var left = 0;
      box.querySelectorAll("li[data-item]").forEach(function (li) {
        li.hidden = !!done[li.dataset.item];
        if (!li.hidden) left++;
      });
      box.hidden = left === 0;
    });
  }

  document.addEventListener("htmx:afterSwap", function (ev) {
    var target = ev.detail && ev.detail.target;
    if (!target) return;
    if (target.id === "lookup") afterLookup(target);
    if (target.id === "checklist") refreshChecklistNotes();
  });
  document.addEventListener("DOMContentLoaded", refreshChecklistNotes);

  // Lists that refresh themselves (hx-trigger "kesu:visible") also do so when the tab comes
  // back into view; an hx-trigger filter would need eval, which the policy forbids.
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState !== "visible" || !window.htmx) return;
    document.querySelectorAll("[hx-trigger*='kesu:visible']").forEach(function (el) {
      htmx.trigger(el, "kesu:visible");
    });
  });
})();
