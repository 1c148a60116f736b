/* Accessible names for the admin's script-built and multi-part controls, which Django and its libraries leave
 * unlabelled: select2 search boxes and selections, the date and time boxes of a split date/time field, the cells of
 * tabular inlines and modeltranslation's language switch. The language tabs lose the links nested in them (a tab
 * with a link inside is two controls in one; jQuery UI finds a tab's panel through aria-controls).
 * Runs after the admin's own scripts and again whenever they add controls (select2 opening, inline rows added). */
(function () {
  "use strict";

  var script = document.currentScript;
  var languageSwitchLabel = script ? script.dataset.languageSwitchLabel : "";

  function text(element) {
    return element ? element.textContent.replace(/\s+/g, " ").replace(/[\s:]+$/, "").trim() : "";
  }

  function labelOf(id) {
    return id ? document.querySelector('label[for="' + CSS.escape(id) + '"]') : null;
  }

  function hasName(control) {
    return Boolean(
      control.getAttribute("aria-label") ||
        control.getAttribute("aria-labelledby") ||
        labelOf(control.id) ||
        control.closest("label")
    );
  }

  function nameFor(select) {
    return text(labelOf(select.id)) || select.name;
  }

  // The <select> a select2 element belongs to: the container follows its select; the dropdown's search box
  // controls the results list "select2-<id>-results".
  function selectOf(element) {
    var container = element.closest(".select2-container");
    if (container && container.previousElementSibling && container.previousElementSibling.tagName === "SELECT") {
      return container.previousElementSibling;
    }
    var controls = element.getAttribute("aria-controls") || "";
    var match = controls.match(/^select2-(.+)-results$/);
    return match ? document.getElementById(match[1]) : null;
  }

  function labelSelect2(root) {
    root.querySelectorAll(".select2-search__field").forEach(function (search) {
      var select = selectOf(search);
      if (select && !search.getAttribute("aria-label")) {
        search.setAttribute("aria-label", nameFor(select));
      }
    });
    root.querySelectorAll('.select2-selection--single[role="combobox"]').forEach(function (selection) {
      var select = selectOf(selection);
      var label = select && labelOf(select.id);
      var rendered = selection.querySelector(".select2-selection__rendered");
      if (!label || !rendered || !rendered.id) {
        return;
      }
      label.id = label.id || select.id + "-label";
      // Read as "<label> <chosen value>"; the empty value box itself is named by the label.
      selection.setAttribute("aria-labelledby", label.id + " " + rendered.id);
      rendered.setAttribute("aria-labelledby", label.id);
    });
  }

  function labelSplitDateTimes(root) {
    root.querySelectorAll("p.datetime").forEach(function (paragraph) {
      var row = paragraph.closest(".form-row, .fieldBox, td");
      var fieldLabel = row ? text(row.querySelector("label")) : "";
      paragraph.querySelectorAll("input").forEach(function (input) {
        if (hasName(input)) {
          return;
        }
        // The text before each box says which part it is ("Date:", "Time:", in the admin's language).
        var node = input.previousSibling;
        var part = node && node.nodeType === Node.TEXT_NODE ? text(node) : "";
        input.setAttribute("aria-label", [fieldLabel, part].filter(Boolean).join(" – "));
      });
    });
  }

  function labelTabularCells(root) {
    root.querySelectorAll(".tabular table").forEach(function (table) {
      var headers = {};
      table.querySelectorAll("thead th[class*='column-']").forEach(function (th) {
        var column = Array.from(th.classList).find(function (name) { return name.indexOf("column-") === 0; });
        headers[column.slice("column-".length)] = text(th);
      });
      table.querySelectorAll("td[class*='field-']").forEach(function (td) {
        var field = Array.from(td.classList).find(function (name) { return name.indexOf("field-") === 0; });
        var header = headers[field.slice("field-".length)];
        if (!header) {
          return;
        }
        td.querySelectorAll("input:not([type=hidden]), select, textarea").forEach(function (control) {
          if (!hasName(control)) {
            control.setAttribute("aria-label", header);
          }
        });
      });
    });
  }

  function fixTranslationTabs(root) {
    root.querySelectorAll('.ui-tabs-nav li[role="tab"] > a.ui-tabs-anchor[href]').forEach(function (anchor) {
      // jQuery UI still reads the link's address when a tab is chosen: a panel on this page is shown, any other
      // address would be fetched. Keep the address as a property of this element, without the attribute.
      var href = anchor.href;
      var hash = anchor.hash;
      anchor.removeAttribute("href");
      Object.defineProperty(anchor, "href", { value: href });
      Object.defineProperty(anchor, "hash", { value: hash });
    });
    var languageSwitch = root.querySelector("#modeltranslation-main-switch");
    if (languageSwitch && !hasName(languageSwitch) && languageSwitchLabel) {
      languageSwitch.setAttribute("aria-label", languageSwitchLabel);
    }
  }

  function fix() {
    labelSelect2(document);
    labelSplitDateTimes(document);
    labelTabularCells(document);
    fixTranslationTabs(document);
  }

  var scheduled = false;
  function schedule() {
    if (!scheduled) {
      scheduled = true;
      window.setTimeout(function () {
        scheduled = false;
        fix();
      }, 0);
    }
  }

  window.addEventListener("load", function () {
    fix();
    // Only added and removed elements are watched: the attributes set here do not wake the observer.
    new MutationObserver(schedule).observe(document.body, { childList: true, subtree: true });
  });
})();
