// The call-centre pop-up: while a call rings at the signed-in user's extension, show who is
// calling. The tab asks the server every two seconds (works behind any proxy and with several
// servers); Alt+N starts the intake with the caller's number, Esc closes the pop-up.
(function () {
  "use strict";
  var EVERY = 2000;
  var box = document.getElementById("call-popup");
  if (!box || !box.dataset.pollUrl || !window.fetch) return;
  var shown = null; // the id of the call on screen
  var stopped = false;

  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; }
    catch (e) { return ""; }
  }

  function popup() { return box.querySelector("[data-call]"); }

  function hide() { box.innerHTML = ""; box.hidden = true; shown = null; }

  function dismiss(then) {
    var el = popup();
    if (!el) { if (then) then(); return; }
    var url = el.dataset.dismissUrl;
    hide();
    fetch(url, { method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": csrfToken() } })
      .catch(function () { /* it expires by itself within a minute */ })
      .then(function () { if (then) then(); });
  }

  function startIntake() {
    var el = popup();
    if (!el) return false;
    var target = el.dataset.intakeUrl + "?phone=" + encodeURIComponent(el.dataset.phone);
    dismiss(function () { window.location = target; });
    return true;
  }

  function poll() {
    if (stopped) return;
    fetch(box.dataset.pollUrl, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" }, redirect: "manual" })
      .then(function (response) {
        if (response.status === 204) { if (shown !== null) hide(); return null; }
        if (response.status !== 200) { if (response.type === "opaqueredirect" || response.status === 403) stopped = true; return null; }
        return response.text();
      })
      .then(function (html) {
        if (html === null || html === undefined) return;
        var holder = document.createElement("div");
        holder.innerHTML = html;
        var next = holder.querySelector("[data-call]");
        if (!next || next.dataset.call === shown) return;
        box.innerHTML = "";
        box.appendChild(next);
        box.hidden = false;
        shown = next.dataset.call;
      })
      .catch(function () { /* offline for a moment: the next poll tries again */ })
      .then(function () { window.setTimeout(poll, document.hidden ? EVERY * 2 : EVERY); });
  }

  box.addEventListener("click", function (ev) {
    if (ev.target.closest("[data-call-close]")) { ev.preventDefault(); dismiss(); }
    else if (ev.target.closest("[data-call-intake]")) { ev.preventDefault(); startIntake(); }
  });

  // Capture: before the workspace's own Alt+N (new complaint without a number).
  window.addEventListener("keydown", function (ev) {
    if (!popup()) return;
    if (ev.key === "Escape") { ev.preventDefault(); ev.stopPropagation(); dismiss(); return; }
    if (ev.altKey && !ev.ctrlKey && !ev.metaKey && (ev.code === "KeyN" || ev.key.toLowerCase() === "n")) {
      ev.preventDefault(); ev.stopPropagation();
      startIntake();
    }
  }, true);

  poll();
})();
