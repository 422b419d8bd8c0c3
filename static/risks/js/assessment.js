/*
 * The assessment form on a risk point's page: shows the inputs of the chosen method (LEC or
 * LS) and a preview of the score and level from the thresholds in force (a json_script named
 * by data-thresholds-id). Only a preview: the server computes and records the real one.
 */
(function () {
  "use strict";

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

  function levelFor(bands, score) {
    for (var i = 0; i < bands.length; i++) {
      var band = bands[i];
      if (score >= band.min && (band.max === null || score <= band.max)) {
        return band;
      }
    }
    return null;
  }

  function format(number) {
    return String(Math.round(number * 100) / 100);
  }

  function init(form) {
    var thresholds = readJson(form.getAttribute("data-thresholds-id")) || {};
    var preview = form.querySelector("[data-assess-preview]");
    var radios = Array.prototype.slice.call(form.querySelectorAll("[data-assess-method]"));
    var groups = Array.prototype.slice.call(form.querySelectorAll("[data-assess-group]"));

    function method() {
      var checked = radios.filter(function (r) { return r.checked; })[0];
      return checked ? checked.value : "LEC";
    }

    function value(name) {
      var select = form.querySelector("select[name$='" + name + "']");
      if (!select || select.value === "") {
        return null;
      }
      return parseFloat(select.value);
    }

    function update() {
      var current = method();
      groups.forEach(function (group) {
        group.classList.toggle("d-none", group.getAttribute("data-assess-group") !== current);
      });
      var parts;
      var formula;
      if (current === "LEC") {
        parts = [value("lec_likelihood"), value("exposure"), value("consequence")];
        formula = "D = L × E × C";
      } else {
        parts = [value("ls_likelihood"), value("severity")];
        formula = "R = L × S";
      }
      if (parts.some(function (p) { return p === null || isNaN(p); })) {
        preview.classList.add("d-none");
        preview.removeAttribute("data-score");
        preview.removeAttribute("data-level");
        return;
      }
      var score = parts.reduce(function (a, b) { return a * b; }, 1);
      var band = levelFor(thresholds[current] || [], score);
      preview.textContent = "";
      var text = document.createElement("span");
      text.textContent = formula + " = " + parts.map(format).join(" × ") + " = " + format(score) + " → ";
      preview.appendChild(text);
      var badge = document.createElement("span");
      badge.className = "badge";
      if (band) {
        badge.textContent = band.label;
        badge.style.backgroundColor = band.color;
        badge.style.color = band.level === "yellow" ? "#212529" : "#fff";
      } else {
        badge.textContent = "不在阈值范围内";
        badge.className = "badge text-bg-secondary";
      }
      preview.appendChild(badge);
      var note = document.createElement("span");
      note.className = "text-muted small ms-2";
      note.textContent = "（预览，以保存后系统计算为准）";
      preview.appendChild(note);
      preview.setAttribute("data-score", format(score));
      preview.setAttribute("data-level", band ? band.level : "");
      preview.classList.remove("d-none");
    }

    form.addEventListener("change", update);
    update();
  }

  function initAll() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-assess-form]"), init);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", initAll);
  } else {
    initAll();
  }
})();
