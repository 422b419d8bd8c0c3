// The enterprise's location on a small Leaflet map, over the township shapes (the offline base
// map, portal/maps.py) and tiles when a tile layer is configured. No inline script: the CSP
// allows 'self' only, so everything comes from data- attributes.
(function () {
  "use strict";
  var el = document.getElementById("enterprise-map");
  if (!el || typeof L === "undefined") return;
  var lat = parseFloat(el.dataset.lat), lng = parseFloat(el.dataset.lng);
  if (isNaN(lat) || isNaN(lng)) return;
  var map = L.map(el).setView([lat, lng], 11);
  if (el.dataset.tileUrl) {
    L.tileLayer(el.dataset.tileUrl, { attribution: el.dataset.attribution || "" }).addTo(map);
  }
  if (el.dataset.townshipsUrl) {
    fetch(el.dataset.townshipsUrl, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) return;
        var layer = L.geoJSON(data, {
          style: function () { return { color: "#6c757d", weight: 1, fillOpacity: 0.05 }; },
          onEachFeature: function (feature, shape) {
            var name = (feature.properties || {}).name;
            if (name) shape.bindTooltip(name, { sticky: true });
          },
        }).addTo(map);
        layer.bringToBack();
        el.setAttribute("data-townships", String(layer.getLayers().length));
      })
      .catch(function () { el.setAttribute("data-townships", "0"); });
  }
  L.circleMarker([lat, lng], { radius: 8, color: "#0d6efd", fillOpacity: 0.8, className: "enterprise-marker" })
    .addTo(map)
    .bindPopup(el.dataset.label || "");
})();
