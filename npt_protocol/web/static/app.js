// npt treatment-room app. A form is sent once: a second tap while the first is on its way would
// otherwise record the preparation twice. A tap on the Session page's body chart keeps what was
// typed in its form. Every page works without this script.
"use strict";
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-once")) {
    return;
  }
  if (form.getAttribute("data-sent") === "yes") {
    event.preventDefault();
    return;
  }
  form.setAttribute("data-sent", "yes");
  var buttons = form.querySelectorAll("button[type=submit]");
  // Disabled after the event, so the button's own name and value are still sent.
  window.setTimeout(function () {
    buttons.forEach(function (button) {
      button.disabled = true;
      button.setAttribute("aria-busy", "true");
    });
  }, 0);
});
// Coming back to a page from the browser's history shows the form ready again.
window.addEventListener("pageshow", function () {
  document.querySelectorAll("form[data-sent]").forEach(function (form) {
    form.removeAttribute("data-sent");
    form.querySelectorAll("button[type=submit]").forEach(function (button) {
      button.disabled = false;
      button.removeAttribute("aria-busy");
    });
  });
});
// The body chart's places are links that add or remove a region; followed as they are, they
// would drop what was typed but not yet sent (the patient, the points). The form's fields go
// with the link's regions instead.
document.addEventListener("click", function (event) {
  var link = event.target instanceof Element ? event.target.closest("a[data-keep-form]") : null;
  if (link === null) {
    return;
  }
  var form = document.getElementById(link.getAttribute("data-keep-form"));
  if (!(form instanceof HTMLFormElement)) {
    return;
  }
  var target = new URL(link.getAttribute("href"), window.location.href);
  var fields = new URLSearchParams(new FormData(form));
  fields.delete("region");
  fields.delete("at");
  target.searchParams.getAll("region").forEach(function (region) {
    fields.append("region", region);
  });
  if (target.searchParams.has("at")) {
    fields.set("at", target.searchParams.get("at"));
  }
  event.preventDefault();
  window.location.assign(target.pathname + "?" + fields.toString() + target.hash);
});
