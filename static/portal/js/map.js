/*
 * Chengan maps (Leaflet). No inline scripts: settings come from json_script elements named by
 * data attributes, and every map on the page is found and drawn here.
 *
 *   [data-chengan-map]   a map of the townships, plus points from data-points-url
 *                        (coloured by data-color-property through data-colors-id)
 *   [data-point-picker]  a form widget: click the map or use the current position to fill
 *                        the [data-point-lat] and [data-point-lon] inputs
 *
 * Drawn maps get data-townships (and data-points) set to the number of shapes drawn.
 */
(function () {
  "use strict";
  if (window.ChenganMap) {
    return;
  }

  var DEFAULTS = { tile_url: "", attribution: "", subdomains: "abc", center: [36.855, 118.79], zoom: 10 };
  var TOWNSHIP_STYLE = { className: "township-area", color: "#4b6584", weight: 1.2, fillColor: "#d8e2ec", fillOpacity: 0.55 };
  var POINT_COLOR = "#0d6efd";

  function readJson(id) {
    var el = id ? document.getElementById(id) : null;
    if (!el) {
      return null;
    }
    try {
      return JSON.parse(el.textContent);
    } catch (err) {
      return null;
    }
  }

  function settingsFor(el) {
    var s = readJson(el.getAttribute("data-settings-id")) || {};
    var merged = {};
    Object.keys(DEFAULTS).forEach(function (key) {
      merged[key] = s[key] !== undefined && s[key] !== null && s[key] !== "" ? s[key] : DEFAULTS[key];
    });
    merged.tile_url = s.tile_url || "";
    return merged;
  }

  function showMessage(root, text) {
    var box = root.querySelector("[data-map-message]") ||
      (root.nextElementSibling && root.nextElementSibling.querySelector("[data-map-message]"));
    if (box) {
      box.textContent = text;
      box.classList.remove("d-none");
    }
  }

  function createMap(container, settings) {
    var map = L.map(container, { center: settings.center, zoom: settings.zoom, zoomSnap: 0.25 });
    if (settings.tile_url) {
      L.tileLayer(settings.tile_url, {
        attribution: settings.attribution,
        subdomains: settings.subdomains,
        maxZoom: 18,
      }).addTo(map);
    } else {
      container.classList.add("map-offline");
    }
    return map;
  }

  function fetchJson(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/geo+json, application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      });
  }

  /* Draw the townships; resolves with the layer. Fits the view to them unless told not to. */
  function loadTownships(map, url, options) {
    options = options || {};
    var container = map.getContainer();
    return fetchJson(url).then(function (data) {
      var approximate = false;
      var layer = L.geoJSON(data, {
        style: function () { return TOWNSHIP_STYLE; },
        onEachFeature: function (feature, shape) {
          var props = feature.properties || {};
          if (props.approximate || props.sample) {
            approximate = true;
          }
          if (props.name) {
            shape.bindTooltip(props.name, { sticky: true, className: "township-label" });
          }
        },
      }).addTo(map);
      layer.bringToBack();
      container.setAttribute("data-townships", String(layer.getLayers().length));
      if (approximate) {
        map.attributionControl.addAttribution("乡镇边界为示意范围（示例数据）");
      }
      if (data.error) {
        options.onMessage && options.onMessage(data.error);
      }
      if (options.fit !== false && layer.getLayers().length) {
        map.fitBounds(layer.getBounds(), { padding: [6, 6] });
      }
      return layer;
    }).catch(function (err) {
      container.setAttribute("data-townships", "0");
      options.onMessage && options.onMessage("乡镇边界加载失败：" + err.message);
    });
  }

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function loadPoints(map, el) {
    var property = el.getAttribute("data-color-property") || "color";
    var colors = readJson(el.getAttribute("data-colors-id")) || {};
    return fetchJson(el.getAttribute("data-points-url")).then(function (data) {
      var layer = L.geoJSON(data, {
        pointToLayer: function (feature, latlng) {
          var value = (feature.properties || {})[property];
          var color = colors[value] || (value && !Object.keys(colors).length ? value : POINT_COLOR);
          return L.circleMarker(latlng, {
            className: "map-point",
            radius: 7,
            color: "#ffffff",
            weight: 1.5,
            fillColor: color,
            fillOpacity: 0.9,
          });
        },
        onEachFeature: function (feature, shape) {
          var props = feature.properties || {};
          var html = "<strong>" + escapeHtml(props.name || "") + "</strong>";
          if (props.description) {
            html += "<div class=\"small\">" + escapeHtml(props.description) + "</div>";
          }
          if (props.url) {
            html += "<div><a href=\"" + escapeHtml(props.url) + "\">查看详情</a></div>";
          }
          shape.bindPopup(html);
        },
      }).addTo(map);
      el.setAttribute("data-points", String(layer.getLayers().length));
      return layer;
    }).catch(function (err) {
      el.setAttribute("data-points", "0");
      showMessage(el, "点位加载失败：" + err.message);
    });
  }

  function initMap(el) {
    var map = createMap(el, settingsFor(el));
    var say = function (text) { showMessage(el, text); };
    loadTownships(map, el.getAttribute("data-townships-url"), { onMessage: say });
    if (el.getAttribute("data-points-url")) {
      loadPoints(map, el);
    }
    el.chenganMap = map;
    return map;
  }

  function initPicker(root) {
    var lat = root.querySelector("[data-point-lat]");
    var lon = root.querySelector("[data-point-lon]");
    var canvas = root.querySelector("[data-map-canvas]");
    var map = createMap(canvas, settingsFor(root));
    var marker = null;
    var say = function (text) { showMessage(root, text); };

    function current() {
      var a = parseFloat(lat.value);
      var b = parseFloat(lon.value);
      return isNaN(a) || isNaN(b) ? null : L.latLng(a, b);
    }

    function showMarker(point) {
      if (!point) {
        if (marker) {
          map.removeLayer(marker);
          marker = null;
        }
        return;
      }
      if (!marker) {
        marker = L.circleMarker(point, {
          className: "picked-point", radius: 8, color: "#ffffff", weight: 2, fillColor: "#dc3545", fillOpacity: 1,
        }).addTo(map);
      } else {
        marker.setLatLng(point);
      }
    }

    function setPoint(point) {
      lat.value = point.lat.toFixed(6);
      lon.value = point.lng.toFixed(6);
      [lat, lon].forEach(function (input) {
        input.dispatchEvent(new Event("change", { bubbles: true }));
      });
      showMarker(point);
    }

    var initial = current();
    loadTownships(map, root.getAttribute("data-townships-url"), { fit: !initial, onMessage: say });
    if (initial) {
      map.setView(initial, 14);
      showMarker(initial);
    }
    map.on("click", function (event) {
      setPoint(event.latlng);
    });
    [lat, lon].forEach(function (input) {
      input.addEventListener("input", function () {
        var point = current();
        showMarker(point);
        if (point) {
          map.panTo(point);
        }
      });
    });
    var locate = root.querySelector("[data-point-locate]");
    if (locate) {
      locate.addEventListener("click", function () {
        if (!navigator.geolocation) {
          say("此浏览器不支持定位，请在地图上点击选择。");
          return;
        }
        locate.disabled = true;
        say("正在获取当前位置…");
        navigator.geolocation.getCurrentPosition(function (position) {
          locate.disabled = false;
          var point = L.latLng(position.coords.latitude, position.coords.longitude);
          setPoint(point);
          map.setView(point, 15);
          say("已使用当前位置（精度约 " + Math.round(position.coords.accuracy) + " 米）。");
        }, function (error) {
          locate.disabled = false;
          say("无法获取当前位置：" + error.message + "（需使用 https 访问并允许定位）");
        }, { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
      });
    }
    var clear = root.querySelector("[data-point-clear]");
    if (clear) {
      clear.addEventListener("click", function () {
        lat.value = "";
        lon.value = "";
        showMarker(null);
      });
    }
    root.chenganMap = map;
    return map;
  }

  function initAll(scope) {
    scope = scope || document;
    var select = function (selector) {
      var found = Array.prototype.slice.call(scope.querySelectorAll(selector));
      if (scope.matches && scope.matches(selector)) {
        found.unshift(scope);
      }
      return found;
    };
    select("[data-chengan-map]:not([data-map-ready])").forEach(function (el) {
      el.setAttribute("data-map-ready", "");
      initMap(el);
    });
    select("[data-point-picker]:not([data-map-ready])").forEach(function (el) {
      el.setAttribute("data-map-ready", "");
      initPicker(el);
    });
  }

  window.ChenganMap = { initAll: initAll, createMap: createMap, loadTownships: loadTownships };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { initAll(document); });
  } else {
    initAll(document);
  }
  document.addEventListener("htmx:load", function (event) { initAll(event.detail.elt); });
})();
