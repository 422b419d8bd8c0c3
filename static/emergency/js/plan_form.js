// The plan form asks only for the owner fields its owner kind needs: 镇街区 for a township's
// plan, 行业 for an industry's, the enterprise (and its township and industry) for an
// enterprise's. No inline script: the CSP allows 'self' only.
(function () {
  "use strict";
  var select = document.querySelector("[data-owner-kind]");
  if (!select) return;
  var fields = document.querySelectorAll("[data-owner-kinds]");

  function wrapper(el) {
    return el.closest("[class*='col-']") || el.parentElement;
  }

  function update() {
    var kind = select.value;
    fields.forEach(function (el) {
      var kinds = (el.getAttribute("data-owner-kinds") || "").split(" ");
      var shown = kinds.indexOf(kind) !== -1 || (el.value && !kind);
      wrapper(el).hidden = !shown;
    });
  }

  select.addEventListener("change", update);
  update();
})();
