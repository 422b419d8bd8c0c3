/*
 * 四色图 — the risk map (Leaflet, one canvas renderer so 20,000 points draw).
 *
 * No inline scripts: the page gives its settings in json_script elements named by the map's
 * data-config-id and data-settings-id. Points come from config.points_url in the "columns"
 * format (see risks/map.py), township shading from config.townships_url, the shapes from
 * config.shapes_url; a change of a filter refetches both with the form's query.
 *
 * State for people and tests on the map element: data-state (loading / ready / error),
 * data-points (markers drawn), data-drawn (JSON: fill colour -> markers drawn),
 * data-townships (shapes drawn), data-shaded (shapes coloured by a level). window.ChenganRiskMap
 * exposes the map and markerPosition(code) (the marker's pixel in the map container).
 */
(function () {
  "use strict";

  var root = document.querySelector("[data-risk-map]");
  if (!root || !window.L || window.ChenganRiskMap) {
    return;
  }

  var BORDER = "#4b6584";
  var EMPTY = { color: BORDER, weight: 1.2, fillColor: "#d8e2ec", fillOpacity: 0.45 };
  var FILTER_NAMES = ["township", "category", "level", "kind"];

  function readJson(id) {
    var el = id ? document.getElementById(id) : null;
    try {
      return el ? JSON.parse(el.textContent) : null;
    } catch (err) {
      return null;
    }
  }

  var config = readJson(root.getAttribute("data-config-id")) || {};
  var settings = readJson(root.getAttribute("data-settings-id")) || {};
  var text = config.text || {};
  var colors = config.colors || {};
  var form = document.querySelector("[data-risk-map-filters]");
  var statusBox = document.querySelector("[data-risk-map-status]");
  var missingBox = document.querySelector("[data-risk-map-missing]");

  var renderer = L.canvas({ padding: 0.3, tolerance: 2 });
  var map = L.map(root, {
    center: settings.center || [36.855, 118.79],
    zoom: settings.zoom || 10,
    zoomSnap: 0.25,
    preferCanvas: true,
    renderer: renderer,
  });
  if (settings.tile_url) {
    L.tileLayer(settings.tile_url, {
      attribution: settings.attribution || "",
      subdomains: settings.subdomains || "abc",
      maxZoom: 18,
    }).addTo(map);
  } else {
    root.classList.add("map-offline");
  }

  var shapes = null; // the townships' GeoJSON layer
  var shading = {}; // township name (and short name) -> its entry from townships.json
  var maxTotal = 0;
  var points = null; // the markers' feature group
  var data = null; // the points payload drawn
  var generation = 0; // answers to an older query are dropped

  function say(message, isError) {
    if (statusBox) {
      statusBox.textContent = message || "";
      statusBox.classList.toggle("text-danger", Boolean(isError));
    }
  }

  function fetchJson(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (body) {
          if (!response.ok) {
            var errors = body.errors || {};
            var messages = Object.keys(errors).map(function (key) { return errors[key].join(" "); });
            throw new Error(messages.join(" ") || body.error || "HTTP " + response.status);
          }
          return body;
        });
      });
  }

  // --- townships ------------------------------------------------------------------------

  function shadeMode() {
    var checked = form && form.querySelector("input[name=shade]:checked");
    return checked ? checked.value : "highest";
  }

  function entryFor(feature) {
    return shading[(feature.properties || {}).name] || null;
  }

  function styleFor(feature) {
    var entry = entryFor(feature);
    if (!entry || !entry.total) {
      return EMPTY;
    }
    var aggregate = shadeMode() === "aggregate";
    var level = aggregate ? entry.aggregate : entry.highest;
    return {
      color: BORDER,
      weight: 1.2,
      fillColor: colors[level] || colors[""],
      // Aggregate: the more points, the deeper the colour.
      fillOpacity: aggregate ? 0.15 + 0.45 * entry.total / Math.max(maxTotal, 1) : 0.35,
    };
  }

  function tooltipFor(feature) {
    var name = (feature.properties || {}).name || "";
    var box = document.createElement("div");
    var title = document.createElement("strong");
    title.textContent = name;
    box.appendChild(title);
    var entry = entryFor(feature);
    var line = document.createElement("div");
    if (!entry || !entry.total) {
      line.textContent = text.none || "";
    } else {
      var parts = [entry.total + " " + (text.points || "")];
      ["red", "orange", "yellow", "blue", "none"].forEach(function (level) {
        if (entry.counts[level]) {
          parts.push((config.labels[level === "none" ? "" : level] || level) + " " + entry.counts[level]);
        }
      });
      line.textContent = parts.join("，");
      var detail = document.createElement("div");
      detail.textContent = (text.highest || "") + "：" + (config.labels[entry.highest] || "—") +
        "；" + (text.aggregate || "") + "：" + (config.labels[entry.aggregate] || "—") +
        "（" + (text.score || "") + " " + entry.score + "）";
      box.appendChild(line);
      box.appendChild(detail);
      return box;
    }
    box.appendChild(line);
    return box;
  }

  function restyleTownships() {
    if (!shapes) {
      return;
    }
    var shaded = 0;
    shapes.eachLayer(function (shape) {
      var style = styleFor(shape.feature);
      if (style !== EMPTY) {
        shaded += 1;
      }
      shape.setStyle(style);
    });
    root.setAttribute("data-shaded", String(shaded));
    var mode = shadeMode();
    document.querySelectorAll("[data-shade-note]").forEach(function (note) {
      note.classList.toggle("d-none", note.getAttribute("data-shade-note") !== mode);
    });
  }

  function setShading(payload) {
    shading = {};
    maxTotal = payload.max_total || 0;
    (payload.townships || []).forEach(function (entry) {
      shading[entry.name] = entry;
      if (entry.short_name && !shading[entry.short_name]) {
        shading[entry.short_name] = entry;
      }
    });
    restyleTownships();
  }

  function loadShapes() {
    return fetchJson(config.shapes_url).then(function (geojson) {
      shapes = L.geoJSON(geojson, {
        renderer: renderer,
        style: styleFor,
        onEachFeature: function (feature, shape) {
          shape.bindTooltip(function () { return tooltipFor(feature); }, {
            sticky: true,
            className: "township-label",
          });
        },
      }).addTo(map);
      shapes.bringToBack(); // points stay on top, whenever they arrived
      root.setAttribute("data-townships", String(shapes.getLayers().length));
      if (shapes.getLayers().length) {
        map.fitBounds(shapes.getBounds(), { padding: [6, 6] });
      }
      if (geojson.error) {
        say(geojson.error, true);
      }
      restyleTownships();
    }).catch(function (err) {
      root.setAttribute("data-townships", "0");
      say((text.failed || "") + err.message, true);
    });
  }

  // --- points ---------------------------------------------------------------------------

  function pointUrl(i) {
    if (!data.detail_url) {
      return "";
    }
    return data.detail_url.replace(/0\/$/, data.points.id[i] + "/");
  }

  function popupFor(i) {
    var c = data.points;
    var level = data.levels[c.lv[i]];
    var box = document.createElement("div");
    box.setAttribute("data-testid", "risk-popup");
    box.setAttribute("data-code", c.code[i]);
    var title = document.createElement("strong");
    title.textContent = c.name[i];
    box.appendChild(title);
    var rows = document.createElement("dl");
    var badge = document.createElement("span");
    badge.className = "risk-level-badge level-" + (level || "none");
    badge.style.background = colors[level] || colors[""];
    badge.textContent = config.labels[level] || "";
    [
      [text.code, c.code[i]],
      [text.level, badge],
      [text.township, data.townships[c.tw[i]]],
      [text.unit, data.units[c.un[i]]],
      [text.person, c.person[i]],
    ].forEach(function (pair) {
      var dt = document.createElement("dt");
      var dd = document.createElement("dd");
      dt.textContent = pair[0] || "";
      if (typeof pair[1] === "object" && pair[1] !== null) {
        dd.appendChild(pair[1]);
      } else {
        dd.textContent = pair[1] || "—";
      }
      rows.appendChild(dt);
      rows.appendChild(dd);
    });
    box.appendChild(rows);
    var url = pointUrl(i);
    if (url) {
      var link = document.createElement("a");
      link.href = url;
      link.setAttribute("data-testid", "risk-popup-detail");
      link.textContent = text.detail || url;
      box.appendChild(link);
    }
    return box;
  }

  function drawPoints(payload) {
    if (points) {
      map.removeLayer(points);
    }
    data = payload;
    var c = payload.points;
    var layers = new Array(c.id.length);
    var drawn = {};
    for (var i = 0; i < c.id.length; i += 1) {
      var fill = colors[payload.levels[c.lv[i]]] || colors[""];
      var marker = L.circleMarker([c.lat[i], c.lon[i]], {
        renderer: renderer,
        radius: 5,
        color: "#ffffff",
        weight: 1,
        fillColor: fill,
        fillOpacity: 0.9,
      });
      marker.pointIndex = i;
      layers[i] = marker;
      drawn[fill] = (drawn[fill] || 0) + 1;
    }
    points = L.featureGroup(layers).addTo(map);
    points.on("click", function (event) {
      var index = event.layer.pointIndex;
      L.popup({ className: "risk-map-popup", maxWidth: 320 })
        .setLatLng(event.layer.getLatLng())
        .setContent(popupFor(index))
        .openOn(map);
    });
    root.setAttribute("data-points", String(c.id.length));
    root.setAttribute("data-drawn", JSON.stringify(drawn));
    if (!shapes && c.id.length && !map._riskFitted) {
      map._riskFitted = true;
      map.fitBounds(points.getBounds(), { padding: [12, 12], maxZoom: 14 });
    }
  }

  function showCounts(payload) {
    var counts = payload.counts || {};
    document.querySelectorAll("[data-legend-count]").forEach(function (el) {
      el.textContent = String(counts[el.getAttribute("data-legend-count")] || 0);
    });
    var total = document.querySelector("[data-legend-total]");
    if (total) {
      total.textContent = String(payload.total || 0);
    }
    if (missingBox) {
      var missing = payload.without_coordinates || 0;
      missingBox.textContent = missing ? (text.without_coordinates || "").replace("%(count)s", missing) : "";
      missingBox.classList.toggle("d-none", !missing);
    }
  }

  // --- filters --------------------------------------------------------------------------

  /* The page's query (filters and shading), from the address and the form. */
  function pageParams() {
    var params = new URLSearchParams(window.location.search);
    if (form) {
      FILTER_NAMES.forEach(function (name) {
        var field = form.elements.namedItem(name);
        if (!field) {
          return;
        }
        if (field.value) {
          params.set(name, field.value);
        } else {
          params.delete(name);
        }
      });
    }
    var shade = shadeMode();
    if (shade === "highest") {
      params.delete("shade");
    } else {
      params.set("shade", shade);
    }
    return params;
  }

  function queryString(params) {
    var qs = params.toString();
    return qs ? "?" + qs : "";
  }

  function remember() {
    if (window.history && window.history.replaceState) {
      window.history.replaceState(null, "", window.location.pathname + queryString(pageParams()));
    }
  }

  function refresh() {
    var params = pageParams();
    params.delete("shade"); // the page's, not the data's
    var qs = queryString(params);
    var mine = (generation += 1);
    root.setAttribute("data-state", "loading");
    say("…");
    remember();
    return Promise.all([fetchJson(config.points_url + qs), fetchJson(config.townships_url + qs)])
      .then(function (answers) {
        if (mine !== generation) {
          return;
        }
        map.closePopup();
        drawPoints(answers[0]);
        setShading(answers[1]);
        showCounts(answers[0]);
        say("");
        root.setAttribute("data-state", "ready");
      })
      .catch(function (err) {
        if (mine !== generation) {
          return;
        }
        say((text.failed || "") + err.message, true);
        root.setAttribute("data-state", "error");
      });
  }

  if (form) {
    form.addEventListener("change", function (event) {
      if (event.target.name === "shade") {
        restyleTownships();
        remember();
      } else {
        refresh();
      }
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      refresh();
    });
  }

  loadShapes();
  refresh();

  window.ChenganRiskMap = {
    map: map,
    refresh: refresh,
    markerPosition: function (code) {
      if (!data) {
        return null;
      }
      var i = data.points.code.indexOf(code);
      if (i < 0) {
        return null;
      }
      var point = map.latLngToContainerPoint([data.points.lat[i], data.points.lon[i]]);
      return { x: point.x, y: point.y };
    },
  };
})();
