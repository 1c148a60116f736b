/* Point picker for the latitude/longitude inputs of a place (groundwork.widgets.PointPickerWidget).
 *
 * The inputs are the source of truth and work without this script; the map only fills them in.
 * Coordinates are WGS84 decimals with 5 places (about a metre), what the model stores.
 */
(function () {
  "use strict";

  var PLACES = 5;

  function parseCoordinate(text, limit) {
    var trimmed = String(text || "").trim().replace(",", ".");
    if (trimmed === "") {
      return null;
    }
    var value = Number(trimmed);
    if (!Number.isFinite(value) || Math.abs(value) > limit) {
      return null;
    }
    return value;
  }

  function siblingInput(form, longitudeInput, longitudeField, latitudeField) {
    var name = longitudeInput.name;
    if (!name.endsWith(longitudeField)) {
      return null;
    }
    var latitudeName = name.slice(0, name.length - longitudeField.length) + latitudeField;
    var found = form ? form.elements.namedItem(latitudeName) : document.getElementsByName(latitudeName)[0];
    return found instanceof HTMLInputElement ? found : null;
  }

  function init(picker) {
    if (picker.dataset.pointPickerReady || picker.closest(".empty-form") || typeof window.L === "undefined") {
      return;
    }
    var longitudeInput = picker.previousElementSibling;
    if (!(longitudeInput instanceof HTMLInputElement)) {
      return;
    }
    var latitudeInput = siblingInput(
      longitudeInput.form,
      longitudeInput,
      picker.dataset.longitudeField,
      picker.dataset.latitudeField
    );
    if (!latitudeInput) {
      return;
    }
    picker.dataset.pointPickerReady = "true";
    picker.hidden = false;

    var L = window.L;
    var container = picker.querySelector(".point-picker-map");
    var map = L.map(container, { scrollWheelZoom: false });
    L.tileLayer(picker.dataset.tilesUrl, {
      attribution: picker.dataset.tilesAttribution,
      maxZoom: 19,
    }).addTo(map);
    var marker = null;

    function current() {
      var lat = parseCoordinate(latitudeInput.value, 90);
      var lng = parseCoordinate(longitudeInput.value, 180);
      return lat === null || lng === null ? null : L.latLng(lat, lng);
    }

    function placeMarker(latlng) {
      if (marker) {
        marker.setLatLng(latlng);
        return;
      }
      marker = L.marker(latlng, { draggable: true, title: picker.dataset.markerTitle, alt: picker.dataset.markerTitle });
      marker.on("dragend", function () {
        fillInputs(marker.getLatLng());
      });
      marker.addTo(map);
    }

    function fillInputs(latlng) {
      var wrapped = latlng.wrap();
      latitudeInput.value = wrapped.lat.toFixed(PLACES);
      longitudeInput.value = wrapped.lng.toFixed(PLACES);
      // Let other scripts (and the admin's unsaved-changes logic) see the edit as if typed.
      latitudeInput.dispatchEvent(new Event("change", { bubbles: true }));
      longitudeInput.dispatchEvent(new Event("change", { bubbles: true }));
      placeMarker(wrapped);
    }

    function followInputs() {
      var latlng = current();
      if (latlng) {
        placeMarker(latlng);
        map.panTo(latlng);
      } else if (marker && latitudeInput.value.trim() === "" && longitudeInput.value.trim() === "") {
        marker.remove();
        marker = null;
      }
    }

    map.on("click", function (event) {
      fillInputs(event.latlng);
    });
    [latitudeInput, longitudeInput].forEach(function (input) {
      input.addEventListener("input", followInputs);
    });

    var start = current();
    if (start) {
      placeMarker(start);
      map.setView(start, Number(picker.dataset.pointZoom));
    } else {
      map.setView(
        [Number(picker.dataset.centerLatitude), Number(picker.dataset.centerLongitude)],
        Number(picker.dataset.zoom)
      );
    }
    // The map may have been laid out while a collapsed fieldset or tab hid it: measure again when it shows.
    if (typeof ResizeObserver !== "undefined") {
      new ResizeObserver(function () {
        map.invalidateSize();
      }).observe(container);
    }
  }

  function initWithin(root) {
    root.querySelectorAll("[data-point-picker]").forEach(init);
  }

  document.addEventListener("DOMContentLoaded", function () {
    initWithin(document);
  });
  // Django admin inlines announce rows added in the browser with this event.
  document.addEventListener("formset:added", function (event) {
    initWithin(event.target);
  });
})();
