// The check-in page at the door. Without this script every button is a form that posts and reloads the page;
// with it, posts go by fetch (the page answers JSON), the lists are refreshed in place, the name search filters
// as one types, and the camera reads the QR code of a confirmation (jsQR, vendored in vendor/jsqr/).
(function () {
  "use strict";

  const root = document.querySelector(".check-in");
  if (!root) return;
  const status = document.getElementById("check-in-status");
  const search = document.getElementById("check-in-search");

  function say(message, isError) {
    status.textContent = message;
    status.classList.toggle("is-error", Boolean(isError));
  }

  function fold(text) {
    // The server's search folds case and diacritics (Bērziņa = berzina); the filter as one types does the same.
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function filterRows() {
    if (!search) return;
    const words = fold(search.value).split(/\s+/).filter(Boolean);
    document.querySelectorAll(".registrant").forEach(function (row) {
      const text = fold(row.dataset.name + " " + row.dataset.reference);
      row.hidden = !words.every(function (word) { return text.includes(word); });
    });
  }

  function updateCounts(counts) {
    Object.keys(counts).forEach(function (name) {
      document.querySelectorAll('[data-count="' + name + '"]').forEach(function (element) {
        element.textContent = counts[name];
      });
    });
  }

  async function refreshLists() {
    // The rows are rendered by the server (one template for both ways of using the page): fetch the page again
    // and take its lists.
    const response = await fetch(window.location.href, { credentials: "same-origin" });
    if (!response.ok) return;
    const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
    const lists = fresh.getElementById("door-lists");
    if (lists) document.getElementById("door-lists").replaceWith(lists);
    filterRows();
  }

  async function post(form, submitter) {
    const data = new FormData(form);
    if (submitter && submitter.name) data.set(submitter.name, submitter.value);
    let response;
    try {
      response = await fetch(window.location.pathname, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": data.get("csrfmiddlewaretoken") },
      });
    } catch (error) {
      say(root.dataset.networkError, true);
      return null;
    }
    let answer = { ok: false, message: root.dataset.networkError };
    try {
      answer = await response.json();
    } catch (error) {
      // Not JSON (a login page after the session ended, say): the message above stands.
    }
    say(answer.message, !answer.ok);
    if (answer.ok) {
      if (answer.counts) updateCounts(answer.counts);
      if (navigator.vibrate) navigator.vibrate(80);
      await refreshLists();
    }
    return answer;
  }

  document.addEventListener("submit", function (event) {
    const form = event.target.closest("form.door-action");
    if (!form) return;
    event.preventDefault();
    post(form, event.submitter).then(function (answer) {
      if (answer && answer.ok && form.classList.contains("code-form")) form.reset();
    });
  });

  if (search) {
    search.addEventListener("input", filterRows);
    filterRows();
  }

  // --- The QR scanner ------------------------------------------------------------------------------------------

  const tools = root.querySelector(".scanner-tools");
  const codeForm = root.querySelector(".code-form");
  if (!tools || !codeForm || typeof window.jsQR !== "function") return;
  tools.hidden = false;
  const video = tools.querySelector(".scan-video");
  const start = tools.querySelector(".scan-start");
  const stop = tools.querySelector(".scan-stop");
  const file = tools.querySelector(".scan-file");
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });
  // A code held in front of the camera is read many times a second: each is sent once, then not again for a while.
  const recentlySent = new Map();
  const QUIET_MS = 8000;
  const MAX_WIDTH = 640;
  let stream = null;

  function decode(source, width, height) {
    const scale = Math.min(1, MAX_WIDTH / width);
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    context.drawImage(source, 0, 0, canvas.width, canvas.height);
    const pixels = context.getImageData(0, 0, canvas.width, canvas.height);
    const code = window.jsQR(pixels.data, canvas.width, canvas.height, { inversionAttempts: "attemptBoth" });
    return code && code.data ? code.data : null;
  }

  function send(text) {
    const now = Date.now();
    if (recentlySent.has(text) && now - recentlySent.get(text) < QUIET_MS) return;
    recentlySent.set(text, now);
    codeForm.elements.code.value = text;
    post(codeForm, null).then(function () { codeForm.elements.code.value = ""; });
  }

  function scanFrame() {
    if (!stream) return;
    if (video.readyState >= video.HAVE_CURRENT_DATA && video.videoWidth) {
      const text = decode(video, video.videoWidth, video.videoHeight);
      if (text) send(text);
    }
    window.setTimeout(function () { window.requestAnimationFrame(scanFrame); }, 120);
  }

  function stopCamera() {
    if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
    stream = null;
    video.hidden = true;
    stop.hidden = true;
    start.hidden = false;
  }

  start.addEventListener("click", async function () {
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
    } catch (error) {
      say(root.dataset.scanError, true);
      return;
    }
    video.srcObject = stream;
    video.hidden = false;
    start.hidden = true;
    stop.hidden = false;
    await video.play();
    scanFrame();
  });
  stop.addEventListener("click", stopCamera);
  window.addEventListener("pagehide", stopCamera);

  file.addEventListener("change", async function () {
    if (!file.files.length) return;
    let text = null;
    try {
      const image = await createImageBitmap(file.files[0]);
      text = decode(image, image.width, image.height);
    } catch (error) {
      text = null;
    }
    file.value = "";
    if (text) {
      recentlySent.delete(text);
      send(text);
    } else {
      say(root.dataset.noCode, true);
    }
  });
})();
