/*
 * The public map of initiatives (templates/mapping/map.html).
 *
 * django-leaflet's {% leaflet_map %} creates the map and calls window.libriInitiativeMap(map). Markers come from the
 * GeoJSON endpoint for the visible area and the current zoom only (see mapping/geojson.py): the server clusters
 * at low zoom, so one view never carries more than a bounded number of features. Every move reloads the view;
 * markers that stay in view are kept, so an open popup survives the pan that shows it.
 * The first view is asked for as soon as the map exists (the template creates it without waiting for the page's
 * load event), and a view already asked for is not asked for again: moves that end where the map already is
 * (Leaflet reports several while the page settles) cost nothing. Once the first markers are drawn, the script
 * leaves a User Timing mark, "libri:initiative-map-drawn", for performance measurements (benchmarks/map_scale.py).
 * Configuration comes from a json_script element and data-* attributes: no inline script, so a strict CSP holds.
 */
(function () {
  "use strict";

  var MERCATOR_MAX_LATITUDE = 85.0511;
  var FIT_MAX_ZOOM = 14;
  var RELOAD_DELAY_MS = 150;

  // Reveal the map only when this script runs: without JavaScript the page shows the filters and the list link.
  var panel = document.getElementById("initiative-map-panel");
  if (panel) {
    panel.hidden = false;
  }

  function format(template, count) {
    return template.replace("{count}", String(count));
  }

  function clamp(value, low, high) {
    return Math.max(low, Math.min(high, value));
  }

  // The number as mapping/geojson.py writes it: in full, without trailing zeros (exact for the grid's fractions).
  function decimal(value) {
    return value.toFixed(20).replace(/\.?0+$/, "");
  }

  // The visible area grown to the grid of squares a tile wide at this zoom, written as the server expects it
  // (mapping/geojson.py, BBox.snap): views that differ by less than a tile ask for the same, cached, answer.
  function gridBox(map, zoom) {
    var bounds = map.getBounds();
    var west = bounds.getWest();
    var east = bounds.getEast();
    if (east - west >= 360) {
      west = -180;
      east = 180;
    }
    west = clamp(west, -180, 180);
    east = clamp(east, -180, 180);
    var south = clamp(bounds.getSouth(), -MERCATOR_MAX_LATITUDE, MERCATOR_MAX_LATITUDE);
    var north = clamp(bounds.getNorth(), -MERCATOR_MAX_LATITUDE, MERCATOR_MAX_LATITUDE);
    var step = 360 / Math.pow(2, zoom);
    return [
      Math.max(-180, Math.floor((west + 180) / step) * step - 180),
      Math.max(-90, Math.floor(south / step) * step),
      Math.min(180, Math.ceil((east + 180) / step) * step - 180),
      Math.min(90, Math.ceil(north / step) * step),
    ]
      .map(decimal)
      .join(",");
  }

  function fact(list, label, value) {
    if (!value) {
      return;
    }
    var term = document.createElement("dt");
    term.textContent = label;
    var description = document.createElement("dd");
    description.textContent = value;
    list.appendChild(term);
    list.appendChild(description);
  }

  // Built with DOM methods, never innerHTML: titles and names are data, not markup.
  function popupContent(features, labels) {
    var container = document.createElement("div");
    container.className = "initiative-popup";
    features.forEach(function (feature) {
      var properties = feature.properties;
      var heading = document.createElement("p");
      heading.className = "initiative-popup-title";
      var link = document.createElement("a");
      link.href = properties.url;
      link.textContent = properties.title;
      if (labels.target) {
        // The embedded map: the initiative page refuses to be framed, so it opens outside the frame.
        link.target = labels.target;
        link.rel = "noopener";
        var hint = document.createElement("span");
        hint.className = "visually-hidden";
        hint.textContent = " " + labels.newTab;
        link.appendChild(hint);
      }
      heading.appendChild(link);
      container.appendChild(heading);
      var facts = document.createElement("dl");
      fact(facts, labels.category, properties.category_label);
      fact(facts, labels.languages, properties.language_names.join(", "));
      fact(facts, labels.host, properties.host);
      fact(facts, labels.access, (properties.access_labels || []).join(", "));
      container.appendChild(facts);
    });
    return container;
  }

  function activates(event) {
    var key = event.originalEvent.key;
    if (key === " ") {
      event.originalEvent.preventDefault();
    }
    return key === "Enter" || key === " ";
  }

  window.libriInitiativeMap = function (map) {
    var container = map.getContainer();
    var labels = container.dataset;
    var config = JSON.parse(document.getElementById("initiative-map-config").textContent);
    var status = document.getElementById("initiative-map-status");
    var layer = L.layerGroup().addTo(map);
    var markers = {};
    var request = null;
    var timer = null;
    var asked = null;
    var drawnOnce = false;
    var icon = L.icon({
      // Explicit URLs: Leaflet's icon path detection fails with hashed static file names.
      iconUrl: labels.iconUrl,
      iconRetinaUrl: labels.iconRetinaUrl,
      shadowUrl: labels.shadowUrl,
      iconSize: [25, 41],
      iconAnchor: [12, 41],
      popupAnchor: [1, -34],
      shadowSize: [41, 41],
    });

    // The zoom buttons in the visitor's language.
    map.zoomControl.remove();
    L.control.zoom({ zoomInTitle: labels.labelZoomIn, zoomOutTitle: labels.labelZoomOut }).addTo(map);

    function announce(message) {
      status.textContent = message;
    }

    function labelMarker(marker, label) {
      marker.on("add", function () {
        var element = marker.getElement();
        if (element) {
          element.setAttribute("aria-label", label);
        }
      });
    }

    function clusterMarker(feature) {
      var count = feature.properties.count;
      var coordinates = feature.geometry.coordinates;
      var size = count < 10 ? "small" : count < 100 ? "medium" : "large";
      var marker = L.marker([coordinates[1], coordinates[0]], {
        icon: L.divIcon({
          className: "map-cluster map-cluster-" + size,
          html: '<span aria-hidden="true">' + String(count) + "</span>",
          iconSize: [40, 40],
        }),
        keyboard: true,
        title: format(labels.labelCluster, count),
      });
      labelMarker(marker, format(labels.labelCluster, count));
      marker.on("click", zoomIn);
      marker.on("keypress", function (event) {
        // Leaflet opens a bound popup on Enter but fires no click; a cluster has no popup, so it zooms in here.
        if (activates(event)) {
          zoomIn();
        }
      });
      return marker;

      function zoomIn() {
        // The cluster is redrawn after the zoom: keep keyboard focus on the map rather than losing it to the page.
        container.focus({ preventScroll: true });
        var box = feature.bbox;
        var bounds = L.latLngBounds([box[1], box[0]], [box[3], box[2]]);
        var target = map.getBoundsZoom(bounds, false, L.point(48, 48));
        if (target > map.getZoom() && bounds.getNorthEast().distanceTo(bounds.getSouthWest()) > 0) {
          map.fitBounds(bounds, { padding: [48, 48] });
        } else {
          map.setView(marker.getLatLng(), Math.min(map.getZoom() + 2, map.getMaxZoom()));
        }
      }
    }

    function initiativeMarker(features) {
      var coordinates = features[0].geometry.coordinates;
      var title = features
        .map(function (feature) {
          return feature.properties.title;
        })
        .join("; ");
      var marker = L.marker([coordinates[1], coordinates[0]], { icon: icon, keyboard: true, title: title, alt: title });
      marker.bindPopup(popupContent(features, {
        category: labels.labelCategory,
        languages: labels.labelLanguages,
        host: labels.labelHost,
        access: labels.labelAccess,
        target: config.linkTarget,
        newTab: labels.labelNewTab || "",
      }));
      marker.on("keypress", function (event) {
        // Enter opens the popup (Leaflet); Space does too, as for any button.
        if (event.originalEvent.key === " ") {
          event.originalEvent.preventDefault();
          marker.openPopup();
        }
      });
      marker.on("popupopen", function (event) {
        var close = event.popup.getElement().querySelector(".leaflet-popup-close-button");
        if (close) {
          close.setAttribute("aria-label", labels.labelClosePopup);
          close.removeAttribute("title");
        }
        var link = event.popup.getElement().querySelector("a[href]:not(.leaflet-popup-close-button)");
        if (link) {
          link.focus({ preventScroll: true });
        }
      });
      marker.on("popupclose", function () {
        var element = marker.getElement();
        if (element && container.contains(document.activeElement)) {
          element.focus({ preventScroll: true });
        }
      });
      return marker;
    }

    function draw(collection) {
      var wanted = {};
      var groups = {};
      var visible = 0;
      collection.features.forEach(function (feature) {
        var coordinates = feature.geometry.coordinates;
        var place = coordinates[0] + "," + coordinates[1];
        if (feature.properties.cluster) {
          visible += feature.properties.count;
          wanted["cluster:" + place + ":" + feature.properties.count] = [feature];
        } else {
          visible += 1;
          // Initiatives at the same address share one marker, whose popup lists them all.
          (groups[place] = groups[place] || []).push(feature);
        }
      });
      Object.keys(groups).forEach(function (place) {
        var ids = groups[place].map(function (feature) {
          return feature.id;
        });
        wanted["point:" + place + ":" + ids.join(",")] = groups[place];
      });
      Object.keys(markers).forEach(function (key) {
        if (!wanted[key]) {
          layer.removeLayer(markers[key]);
          delete markers[key];
        }
      });
      Object.keys(wanted).forEach(function (key) {
        if (!markers[key]) {
          var features = wanted[key];
          markers[key] = features[0].properties.cluster ? clusterMarker(features[0]) : initiativeMarker(features);
          markers[key].addTo(layer);
        }
      });
      announce(format(labels.labelVisible, visible));
      if (!drawnOnce && window.performance && performance.mark) {
        drawnOnce = true;
        // In the frame that paints the markers just added.
        window.requestAnimationFrame(function () {
          performance.mark("libri:initiative-map-drawn");
        });
      }
    }

    function load() {
      window.clearTimeout(timer);
      var parameters = new URLSearchParams(config.filterQuery);
      var zoom = Math.round(map.getZoom());
      parameters.set("bbox", gridBox(map, zoom));
      parameters.set("zoom", String(zoom));
      var url = config.dataUrl + "?" + parameters.toString();
      if (url === asked) {
        // Already on the map, or on its way.
        return;
      }
      asked = url;
      if (request) {
        request.abort();
      }
      request = new AbortController();
      fetch(url, {
        signal: request.signal,
        headers: { Accept: "application/geo+json" },
      })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("HTTP " + response.status);
          }
          return response.json();
        })
        .then(draw)
        .catch(function (error) {
          if (error.name !== "AbortError") {
            // The next move asks again.
            asked = null;
            announce(labels.labelLoadError);
          }
        });
    }

    function scheduleLoad() {
      window.clearTimeout(timer);
      timer = window.setTimeout(load, RELOAD_DELAY_MS);
    }

    map.on("moveend", scheduleLoad);
    if (config.extent) {
      // Not animated: the view is final at once, so the first request below asks for it (an animated zoom would
      // first ask for the default view and then for this one).
      map.fitBounds(config.extent, { padding: [24, 24], maxZoom: FIT_MAX_ZOOM, animate: false });
    }
    // The first view without the delay that lets a visitor's moves settle: nobody is moving the map yet.
    load();

    var nearMe = document.getElementById("initiative-map-near-me");
    if (nearMe && "geolocation" in navigator) {
      var here = null;
      nearMe.hidden = false;
      nearMe.addEventListener("click", function () {
        announce(labels.labelLocating);
        navigator.geolocation.getCurrentPosition(
          function (position) {
            var latLng = [position.coords.latitude, position.coords.longitude];
            if (here) {
              here.setLatLng(latLng);
            } else {
              here = L.circleMarker(latLng, { radius: 9, color: "#083a66", fillColor: "#ffbf47", fillOpacity: 1 })
                .bindTooltip(labels.labelYouAreHere)
                .addTo(map);
            }
            map.setView(latLng, 12);
            announce(labels.labelLocated);
          },
          function () {
            announce(labels.labelLocationError);
          },
          { enableHighAccuracy: false, timeout: 10000, maximumAge: 300000 }
        );
      });
    }
  };
})();
