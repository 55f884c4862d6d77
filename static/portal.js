// The portal's own script, beside htmx. It keeps keyboard and screen-reader users where
// the answer is after an htmx swap, marks requests in flight, sends a form marked
// data-once once, scales photos to the size the portal stores, shows upload progress, and
// puts a failed request into words. It is
// served from /static: the CSP allows no inline script.
"use strict";

// words are the page's messages in its language, written by the layout into a JSON block
// (never run as script): see docs/i18n.md.
const words = JSON.parse(document.getElementById("portal-words")?.textContent || "{}");

// The stylesheet hides what only a page without this script needs (an upload's button).
document.documentElement.classList.add("js");

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

// An upload form's progress bar follows the bytes sent; once they are all sent, the bar
// turns indeterminate and says what the portal is doing with the file.
document.addEventListener("htmx:xhr:progress", (e) => {
  const bar = e.target.querySelector("progress");
  if (bar && e.detail.lengthComputable) {
    bar.max = e.detail.total;
    bar.value = e.detail.loaded;
    bar.hidden = false;
    if (e.detail.loaded === e.detail.total && !e.target.dataset.sentAt) {
      e.target.dataset.sentAt = String(performance.now());
      bar.removeAttribute("value");
      showUploadPhases();
    }
  }
});
document.addEventListener("htmx:afterRequest", (e) => {
  if (e.detail.elt.dataset?.sentAt) {
    delete e.detail.elt.dataset.sentAt;
    showUploadPhases();
  }
});

// The portal checks one photo of a user at a time (internal/drafts/turns.go): of this
// page's photos sent and not yet answered, the first is being checked and the others wait
// for it, and each says so. A report is checked at once.
function showUploadPhases() {
  const sent = [...document.querySelectorAll("form[data-sent-at]")];
  const photos = sent.filter((f) => f.matches("[data-photo-upload]")).sort((a, b) => a.dataset.sentAt - b.dataset.sentAt);
  for (const form of sent) {
    const status = form.querySelector(".upload-status");
    const waiting = photos.indexOf(form) > 0;
    status.textContent = waiting ? words.waiting : words.sent;
    status.hidden = false;
  }
}

// A photo larger than the portal stores is scaled here before it is sent, to the longest
// side its input names (data-scale-to): the usual upload is then a third of the bytes and
// pixels. The EXIF orientation is applied while decoding, so the photo arrives upright
// without it; the portal checks and re-encodes whatever arrives, as for any upload.
const scaling = new WeakMap(); // form → the promise of its photo being scaled

document.addEventListener("change", (e) => {
  const input = e.target;
  if (!input.matches("input[type=file][data-scale-to]") || input.files.length !== 1) {
    return;
  }
  const form = input.form;
  form.setAttribute("aria-busy", "true");
  const job = scalePhoto(input.files[0], Number(input.dataset.scaleTo))
    .then((file) => {
      if (file) {
        const chosen = new DataTransfer();
        chosen.items.add(file);
        input.files = chosen.files;
      }
    })
    .catch(() => {}) // the browser could not decode it: it goes as it is, and the portal says why
    .finally(() => {
      scaling.delete(form);
      form.removeAttribute("aria-busy");
    });
  scaling.set(form, job);
});

// A submit while its photo is being scaled waits for it, then goes on.
document.addEventListener(
  "submit",
  (e) => {
    const job = scaling.get(e.target);
    if (job) {
      e.preventDefault();
      e.stopImmediatePropagation();
      job.then(() => e.target.requestSubmit(e.submitter));
    }
  },
  true,
);

// scalePhoto returns the photo as a JPEG of at most edge pixels on its longest side, or
// null when it is already small enough (or not a photo).
async function scalePhoto(file, edge) {
  if (!/^image\/(jpeg|png)$/.test(file.type)) {
    return null;
  }
  const bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  const scale = edge / Math.max(bitmap.width, bitmap.height);
  if (scale >= 1) {
    bitmap.close();
    return null;
  }
  const width = Math.round(bitmap.width * scale);
  const height = Math.round(bitmap.height * scale);
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#fff"; // transparency on white, as the portal does
  ctx.fillRect(0, 0, width, height);
  ctx.imageSmoothingQuality = "high";
  ctx.drawImage(bitmap, 0, 0, width, height);
  bitmap.close();
  const blob = await canvas.convertToBlob({ type: "image/jpeg", quality: 0.92 });
  const name = file.name.replace(/\.[^.]*$/, "") + ".jpg";
  return new File([blob], name, { type: "image/jpeg", lastModified: file.lastModified });
}

// htmx swaps nothing for a refused or failed request: say what happened in the flash
// slot, which screen readers announce.
document.addEventListener("htmx:responseError", (e) => {
  const answer = new DOMParser().parseFromString(e.detail.xhr.responseText, "text/html");
  if (isUpload(e.detail.elt)) {
    uploadRefused(e.detail.elt, answer, e.detail.xhr.status);
    return;
  }
  say(answer.body.textContent.trim().replace(/\s+/g, " ") || words.failed);
});
document.addEventListener("htmx:sendError", (e) => {
  if (isUpload(e.detail.elt)) {
    uploadRefused(e.detail.elt, null, 0);
    return;
  }
  say(words.unreachable);
});

function say(text) {
  const p = document.createElement("p");
  p.className = "flash flash-error";
  p.setAttribute("role", "alert");
  p.textContent = text;
  document.getElementById("flash").replaceChildren(p);
}

// The document viewer lays its image out for the chosen zoom and rotation: the stylesheet
// alone only turns the picture, so that a quarter turn left part of it above the scroll
// area. Here the canvas is sized to the turned picture's bounding box, so that the frame
// scrolls to every corner; "Fit" fits both the frame's width and its height.
function layoutViewer(viewer) {
  const frame = viewer.querySelector(".viewer-frame");
  const canvas = viewer.querySelector(".viewer-canvas");
  const img = canvas?.querySelector("img");
  if (!img || !img.naturalWidth) {
    return;
  }
  const turn = Number(viewer.querySelector('input[name="rotate"]:checked')?.value || 0);
  const zoom = Number(viewer.querySelector('input[name="zoom"]:checked')?.value || 1);
  const quarter = turn % 180 !== 0;
  const [w, h] = [img.naturalWidth, img.naturalHeight];
  const [boxW, boxH] = quarter ? [h, w] : [w, h];
  const fit = Math.min(frame.clientWidth / boxW, frame.clientHeight / boxH);
  const scale = fit * zoom;
  canvas.style.width = `${Math.floor(boxW * scale)}px`;
  canvas.style.height = `${Math.floor(boxH * scale)}px`;
  img.style.width = `${w * scale}px`;
  img.style.height = `${h * scale}px`;
  img.style.maxWidth = img.style.maxHeight = "none";
  img.style.transform = `translate(-50%, -50%) rotate(${turn}deg)`;
  viewer.classList.add("viewer-laid-out");
}

for (const viewer of document.querySelectorAll(".viewer")) {
  const img = viewer.querySelector(".viewer-canvas img");
  const relayout = () => layoutViewer(viewer);
  img?.addEventListener("load", relayout);
  if (img?.complete) {
    relayout();
  }
  viewer.addEventListener("change", relayout);
  window.addEventListener("resize", relayout);
}

// A field saves itself 800 ms after the last keystroke. Until its save has answered, the
// value lives only in the page: the badge says so, and leaving the page (a reload, a link,
// closing the tab) first sends the save at once and asks the browser to confirm.
// "Save and continue" posts every field itself, so it leaves without asking.
const unsaved = new Set(); // autosaving fields with a value not saved yet
const edits = new WeakMap(); // field -> how many edits it has had
const editsSent = new WeakMap(); // request -> the field's edits when it was sent
let submitting = false;

function isAutosave(el) {
  return el instanceof Element && el.matches('[data-testid="step-form"] [hx-post]');
}

function noteEdit(e) {
  if (!e.isTrusted || !isAutosave(e.target)) {
    return; // the change this script triggers to save at once is no edit
  }
  edits.set(e.target, (edits.get(e.target) || 0) + 1);
  unsaved.add(e.target);
  const badge = document.getElementById("saved-badge");
  if (badge) {
    badge.textContent = words.notSaved;
  }
}
// Capture: the edit is counted before htmx, listening on the field itself, sends its save.
document.addEventListener("input", noteEdit, true);
document.addEventListener("change", noteEdit, true);
document.addEventListener("htmx:beforeRequest", (e) => {
  if (isAutosave(e.detail.elt)) {
    editsSent.set(e.detail.xhr, edits.get(e.detail.elt) || 0);
  }
});
document.addEventListener("htmx:afterRequest", (e) => {
  const field = e.detail.elt;
  if (e.detail.successful && unsaved.has(field) && editsSent.get(e.detail.xhr) === (edits.get(field) || 0)) {
    unsaved.delete(field);
  }
});
// A save answered 401 went to a lapsed session, and htmx now goes to the login page: the
// page cannot save anything more, so leaving it asks nothing (what was saved is kept).
document.addEventListener("htmx:beforeOnLoad", (e) => {
  if (e.detail.xhr.status === 401) {
    unsaved.clear();
  }
});
document.addEventListener("submit", (e) => {
  if (e.target.matches('[data-testid="step-form"]')) {
    submitting = true;
  }
});
window.addEventListener("pageshow", () => { submitting = false; });
window.addEventListener("beforeunload", (e) => {
  if (submitting || unsaved.size === 0) {
    return;
  }
  for (const field of unsaved) {
    htmx.trigger(field, "change"); // save now rather than after the delay
  }
  e.preventDefault();
  e.returnValue = ""; // older browsers ask only when this is set
});

// The pack's rules are on the inputs (pattern, min, max, required): a field that breaks one
// says so as the agent leaves it, with the rule's example; the server's answer to the
// autosave then replaces the message. A field required only while another holds certain
// values follows that field as it changes.
document.addEventListener("focusout", (e) => {
  const field = e.target;
  if (!isAutosave(field) || !field.willValidate) {
    return;
  }
  const slot = document.getElementById("msg-" + field.name);
  const own = slot?.querySelector("[data-client]");
  own?.remove();
  if (field.checkValidity() || !slot || field.value === "") {
    return;
  }
  const p = document.createElement("p");
  p.className = "field-error";
  p.dataset.client = "";
  p.textContent = field.title ? words.format.replace("{hint}", field.title) : field.validationMessage;
  slot.append(p);
});
document.addEventListener("change", (e) => {
  const name = e.target.name;
  if (!isAutosave(e.target) || !name) {
    return;
  }
  for (const dep of document.querySelectorAll(`[data-required-when="${CSS.escape(name)}"]`)) {
    dep.required = dep.dataset.requiredIn.split(" ").includes(e.target.value);
  }
});

// A page answering a form's POST (an account created with its one-time password, a case
// shown again with a refused decision) names its own address: the address bar takes it,
// so that a reload reads the page again instead of sending the form twice. The one-time
// password is never kept anywhere to be shown again.
for (const el of document.querySelectorAll("[data-page-url]")) {
  const url = new URL(el.dataset.pageUrl, location.href);
  history.replaceState(null, "", url);
}

// A file larger than the portal takes is refused as soon as it is chosen, before a byte is
// sent; the server refuses it too.
document.addEventListener("change", (e) => {
  const input = e.target;
  if (!input.matches?.('input[type="file"][data-max-bytes]')) {
    return;
  }
  input.parentElement.querySelector("[data-client]")?.remove();
  input.removeAttribute("aria-invalid");
  const max = Number(input.dataset.maxBytes);
  const file = input.files[0];
  if (!file || file.size <= max) {
    return;
  }
  const mb = (n) => (n / 1048576).toFixed(1) + " MB";
  const p = document.createElement("p");
  p.className = "field-error";
  p.dataset.client = "";
  p.id = input.id + "-too-big";
  p.setAttribute("role", "alert");
  p.dataset.testid = "too-big-" + input.id.replace(/^file-/, "");
  p.textContent = words.tooBig.replace("{size}", mb(file.size)).replace("{max}", mb(max));
  input.value = "";
  input.setAttribute("aria-invalid", "true");
  input.setAttribute("aria-describedby", p.id);
  input.after(p);
});

// A date input shows the day in the browser's own order (05/01/1990 in American English):
// the help beside it says the day in words, in the page's language, as it changes.
document.addEventListener("input", (e) => {
  const input = e.target;
  const out = input.matches?.('input[type="date"]') && document.querySelector(`#help-${CSS.escape(input.name)} [data-date-words]`);
  if (!out) {
    return;
  }
  const d = input.valueAsDate;
  out.textContent = d
    ? words.date
        .replace("{day}", String(d.getUTCDate()))
        .replace("{month}", words.months[d.getUTCMonth()])
        .replace("{year}", String(d.getUTCFullYear()))
    : "";
});

// A document is sent as soon as it is chosen: no second click on Upload (the button is
// there for a browser without this script). A file the size check above refused is not
// sent; a photo being scaled goes once it is ready (the submit listener above waits).
document.addEventListener("change", (e) => {
  const input = e.target;
  if (input.matches?.('input[type="file"]') && isUpload(input.form) && input.files.length === 1) {
    input.form.requestSubmit();
  }
});

function isUpload(el) {
  return el instanceof HTMLFormElement && el.matches("[data-upload-on-choose]");
}

// uploadRefused puts a refusal the page could not swap in (a file too large for the portal,
// a failure, no connection) next to its file, in words, and resets the progress bar. The
// portal's own reason is taken when its answer has one for this document.
function uploadRefused(form, answer, status) {
  const input = form.querySelector('input[type="file"]');
  const kind = input.id.replace(/^file-/, "");
  const bar = form.querySelector("progress");
  bar.hidden = true;
  bar.setAttribute("value", "0");
  const note = form.querySelector(".upload-status");
  note.hidden = true;
  note.textContent = "";
  delete form.dataset.sentAt;
  form.querySelector("[data-client]")?.remove();
  const reason = answer?.getElementById("upload-error-" + kind)?.textContent.trim();
  const p = document.createElement("p");
  p.className = "field-error";
  p.dataset.client = "";
  p.id = input.id + "-refused";
  p.setAttribute("role", "alert");
  p.dataset.testid = "upload-refused-" + kind;
  p.textContent = reason || (status === 413 ? form.dataset.uploadTooLarge : form.dataset.uploadFailed);
  input.value = "";
  input.setAttribute("aria-invalid", "true");
  input.setAttribute("aria-describedby", p.id);
  input.after(p);
  input.focus();
}
