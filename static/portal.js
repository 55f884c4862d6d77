// The portal's own script, beside htmx. It keeps keyboard and screen-reader users where
// the answer is after an htmx swap, marks requests in flight, sends a form marked
// data-once once, shows upload progress, and puts a failed request into words. It is
// served from /static: the CSP allows no inline script.
"use strict";

// What a form's answer should put focus on, first match wins: a refused input, an error,
// or the result the answer marks with data-focus.
const focusOrder = ['[aria-invalid="true"]', ".field-error, [role=alert]", "[data-focus]"];
const focused = new WeakSet(); // requests whose answer already moved focus

document.addEventListener("htmx:afterSettle", (e) => {
  const { requestConfig, xhr } = e.detail;
  if (requestConfig?.triggeringEvent?.type !== "submit" || focused.has(xhr)) {
    return; // autosave, a country switch and the like leave focus where the user is
  }
  const region = e.target;
  for (const selector of focusOrder) {
    const el = region.matches(selector) ? region : region.querySelector(selector);
    if (el) {
      focused.add(xhr);
      if (!el.matches("input, select, textarea, button, a[href]")) {
        el.setAttribute("tabindex", "-1");
      }
      el.focus();
      return;
    }
  }
});

// aria-busy marks the element whose request is in flight (styled as a spinner).
document.addEventListener("htmx:beforeRequest", (e) => e.detail.elt.setAttribute("aria-busy", "true"));
document.addEventListener("htmx:afterRequest", (e) => e.detail.elt.removeAttribute("aria-busy"));

// A form marked data-once sends one request however often it is clicked: a double click
// on "Submit to the CDP" posts once (the portal would fold a second post anyway). The
// form shows busy until the next page replaces it.
document.addEventListener("submit", (e) => {
  const form = e.target;
  if (!form.matches("form[data-once]")) {
    return;
  }
  if (form.dataset.sent) {
    e.preventDefault();
    return;
  }
  form.dataset.sent = "true";
  form.setAttribute("aria-busy", "true");
});
// A page the back button restores from memory takes clicks again.
window.addEventListener("pageshow", () => {
  for (const form of document.querySelectorAll("form[data-sent]")) {
    delete form.dataset.sent;
    form.removeAttribute("aria-busy");
  }
});

// An upload form's progress bar follows the bytes sent.
document.addEventListener("htmx:xhr:progress", (e) => {
  const bar = e.target.querySelector("progress");
  if (bar && e.detail.lengthComputable) {
    bar.max = e.detail.total;
    bar.value = e.detail.loaded;
    bar.hidden = false;
  }
});

// htmx swaps nothing for a refused or failed request: say what happened in the flash
// slot, which screen readers announce.
document.addEventListener("htmx:responseError", (e) => {
  const answer = new DOMParser().parseFromString(e.detail.xhr.responseText, "text/html");
  say(answer.body.textContent.trim().replace(/\s+/g, " ") || "The portal could not complete this request.");
});
document.addEventListener("htmx:sendError", () => say("The portal could not be reached. Check the connection and try again."));

function say(text) {
  const p = document.createElement("p");
  p.className = "flash flash-error";
  p.setAttribute("role", "alert");
  p.textContent = text;
  document.getElementById("flash").replaceChildren(p);
}
