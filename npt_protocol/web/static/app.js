// npt treatment-room app. A form is sent once: a second tap while the first is on its way would
// otherwise record the preparation twice. Nothing else here: every page works without it.
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
