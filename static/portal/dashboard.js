// Report page: follows the build's progress through the status endpoint and reloads the page when it ends,
// so the download link (or the error) comes from the server as it does without JavaScript.
(function () {
  "use strict";
  var section = document.querySelector(".report-state[data-polling]");
  if (!section || !window.fetch) {
    return;
  }
  var url = section.getAttribute("data-status-url");
  var progress = section.querySelector("progress");
  var percent = section.querySelector(".report-percent");
  var step = section.querySelector(".report-step");
  var label = section.querySelector(".report-status-label");
  var hint = section.querySelector(".no-js-hint");
  var delay = 1000;
  if (hint) {
    hint.hidden = true;
  }

  function show(state) {
    if (progress) {
      progress.value = state.progress;
      progress.textContent = state.progress + " %";
    }
    if (percent) {
      percent.textContent = state.progress + " %";
    }
    if (step) {
      step.textContent = state.step;
    }
    if (label && label.textContent !== state.status_label) {
      label.textContent = state.status_label;
    }
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.json();
      })
      .then(function (state) {
        show(state);
        if (state.finished) {
          window.location.reload();
          return;
        }
        delay = 1000;
        window.setTimeout(poll, delay);
      })
      .catch(function () {
        // Back off while the server is unreachable; the page still shows the last state it had.
        delay = Math.min(delay * 2, 30000);
        window.setTimeout(poll, delay);
      });
  }

  window.setTimeout(poll, delay);
})();
