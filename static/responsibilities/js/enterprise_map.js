// The enterprise's location on a small Leaflet map (no inline script: the CSP allows 'self').
(function () {
  "use strict";
  var el = document.getElementById("enterprise-map");
  if (!el || typeof L === "undefined") return;
  var lat = parseFloat(el.dataset.lat), lng = parseFloat(el.dataset.lng);
  if (isNaN(lat) || isNaN(lng)) return;
  var map = L.map(el).setView([lat, lng], 15);
  if (el.dataset.tileUrl) {
    L.tileLayer(el.dataset.tileUrl, { attribution: el.dataset.attribution || "" }).addTo(map);
  }
  L.circleMarker([lat, lng], { radius: 8, color: "#0d6efd", fillOpacity: 0.8 })
    .addTo(map)
    .bindPopup(el.dataset.label || "");
})();
