/*
 * "Embed this map" on the map page (templates/mapping/map.html): a button that copies the <iframe> code.
 * Without JavaScript the code stays in a readonly text area to select and copy by hand.
 */
(function () {
  "use strict";

  var button = document.getElementById("embed-copy");
  var snippet = document.getElementById("embed-snippet");
  var status = document.getElementById("embed-copy-status");
  if (!button || !snippet || !status) {
    return;
  }

  function copied() {
    status.textContent = button.dataset.labelCopied;
  }

  function byHand() {
    snippet.focus();
    snippet.select();
    var done = false;
    try {
      // The older way, for pages served over plain HTTP where the Clipboard API is missing.
      done = document.execCommand("copy");
    } catch (error) {
      done = false;
    }
    status.textContent = done ? button.dataset.labelCopied : button.dataset.labelCopyFailed;
  }

  button.hidden = false;
  button.addEventListener("click", function () {
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(snippet.value).then(copied, byHand);
      return;
    }
    byHand();
  });
})();
