// 群众举报: "使用我的位置" fills the form's hidden latitude/longitude from the device.
// A static file, not inline script: the CSP allows scripts from 'self' only.
(function () {
  "use strict";
  document.querySelectorAll("[data-locate]").forEach(function (box) {
    var button = box.querySelector("[data-locate-button]");
    var status = box.querySelector("[data-locate-status]");
    var lat = box.querySelector("[data-locate-lat]");
    var lng = box.querySelector("[data-locate-lng]");
    if (!button || !lat || !lng) {
      return;
    }
    function say(key) {
      if (status) {
        status.textContent = status.dataset[key] || "";
      }
    }
    button.addEventListener("click", function () {
      if (!("geolocation" in navigator)) {
        say("textUnsupported");
        return;
      }
      button.disabled = true;
      say("textLocating");
      navigator.geolocation.getCurrentPosition(
        function (position) {
          lat.value = position.coords.latitude.toFixed(6);
          lng.value = position.coords.longitude.toFixed(6);
          button.disabled = false;
          button.classList.replace("btn-outline-primary", "btn-outline-success");
          say("textDone");
          box.dataset.located = "true";
        },
        function () {
          button.disabled = false;
          say("textFailed");
        },
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
      );
    });
  });
})();
