/*
 * Small maps (templates/portal/_small_map.html): one marker per point, a popup with the place's name and link.
 * The points come from a json_script element, never from inline script, so a strict CSP holds.
 */
(function () {
  "use strict";

  function markerIcon(container) {
    // Explicit URLs: Leaflet's own icon path detection breaks with hashed static file names.
    return L.icon({
      iconUrl: container.dataset.iconUrl,
      iconRetinaUrl: container.dataset.iconRetinaUrl,
      shadowUrl: container.dataset.shadowUrl,
      iconSize: [25, 41],
      iconAnchor: [12, 41],
      popupAnchor: [1, -34],
      tooltipAnchor: [16, -28],
      shadowSize: [41, 41],
    });
  }

  function popupContent(point) {
    var element = document.createElement(point.url ? "a" : "span");
    element.textContent = point.label;
    if (point.url) {
      element.href = point.url;
    }
    return element;
  }

  function draw(container) {
    if (container.dataset.smallMapReady) {
      return;
    }
    container.dataset.smallMapReady = "true";
    var source = document.getElementById(container.dataset.points);
    var points = source ? JSON.parse(source.textContent) : [];
    if (!points.length) {
      return;
    }
    container.hidden = false;
    var map = L.map(container, { scrollWheelZoom: false, zoomControl: false });
    // The zoom buttons in the visitor's language (Leaflet's own titles are English).
    L.control
      .zoom({ zoomInTitle: container.dataset.labelZoomIn, zoomOutTitle: container.dataset.labelZoomOut })
      .addTo(map);
    map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
    L.tileLayer(container.dataset.tilesUrl, {
      attribution: container.dataset.tilesAttribution,
      maxZoom: 19,
    }).addTo(map);
    var icon = markerIcon(container);
    var latLngs = points.map(function (point) {
      var latLng = [point.lat, point.lng];
      L.marker(latLng, { icon: icon, title: point.label, alt: point.label })
        .bindPopup(popupContent(point))
        .addTo(map);
      return latLng;
    });
    var zoom = parseInt(container.dataset.zoom, 10) || 13;
    if (latLngs.length === 1) {
      map.setView(latLngs[0], zoom);
    } else {
      map.fitBounds(latLngs, { padding: [24, 24], maxZoom: zoom });
    }
  }

  function drawAll() {
    if (typeof L === "undefined") {
      return;
    }
    document.querySelectorAll("[data-small-map]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
