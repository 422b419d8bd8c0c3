/* 综合看板: draws the dashboard's bar charts and the small four-colour map with ECharts.
 *
 * Data comes from the page through json_script (the CSP forbids inline scripts):
 *   #dashboard-charts   {key: {title, horizontal, categories, series: [{name, color,
 *                        data: [{value, href}]}]}} — every bar part opens its filtered list;
 *   #dashboard-risk-map {townships_url, shapes_url, map_url, colors, labels, none_color, text}.
 * The same numbers are on the page as links (each chart's 数据表), so nothing depends on
 * this script but the pictures.
 */
(function () {
  "use strict";

  if (typeof window.echarts === "undefined") {
    return;
  }
  var echarts = window.echarts;
  var charts = [];

  function readJSON(id) {
    var element = document.getElementById(id);
    if (!element) {
      return null;
    }
    try {
      return JSON.parse(element.textContent);
    } catch (error) {
      return null;
    }
  }

  function go(href) {
    if (href) {
      window.location.assign(href);
    }
  }

  function barChart(element, spec) {
    var horizontal = !!spec.horizontal;
    if (horizontal) {
      element.style.height = Math.max(220, spec.categories.length * 26 + 80) + "px";
    }
    var chart = echarts.init(element, null, { renderer: "canvas" });
    var category = {
      type: "category",
      data: spec.categories,
      inverse: horizontal,
      axisLabel: {
        interval: 0,
        width: horizontal ? 150 : 64,
        overflow: "truncate",
        rotate: horizontal ? 0 : 30
      },
      axisTick: { show: false }
    };
    var value = { type: "value", minInterval: 1 };
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, confine: true },
      legend: { top: 0, type: "scroll" },
      grid: { left: 8, right: 16, top: 34, bottom: 8, containLabel: true },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? category : value,
      series: spec.series.map(function (series) {
        return {
          name: series.name,
          type: "bar",
          stack: "total",
          barMaxWidth: 28,
          itemStyle: { color: series.color },
          emphasis: { focus: "series" },
          cursor: "pointer",
          data: series.data.map(function (point) {
            return { value: point.value, href: point.href };
          })
        };
      })
    });
    chart.on("click", function (params) {
      if (params.data && params.data.href) {
        go(params.data.href);
      }
    });
    element.setAttribute("data-state", "ready");
    return chart;
  }

  function getJSON(url) {
    return window
      .fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(url + " " + response.status);
        }
        return response.json();
      });
  }

  function riskMap(element, config) {
    var chart = echarts.init(element, null, { renderer: "canvas" });
    charts.push(chart);
    Promise.all([getJSON(config.shapes_url), getJSON(config.townships_url)])
      .then(function (answers) {
        var shapes = answers[0];
        var data = answers[1];
        var byName = {};
        (data.townships || []).forEach(function (entry) {
          byName[entry.name] = entry;
          if (entry.short_name && !byName[entry.short_name]) {
            byName[entry.short_name] = entry;
          }
        });
        echarts.registerMap("chengan-townships", shapes);
        var regions = (shapes.features || []).map(function (feature) {
          var name = (feature.properties || {}).name || "";
          var entry = byName[name];
          var highest = entry ? entry.highest : "";
          return {
            name: name,
            value: entry ? entry.total : 0,
            highest: highest,
            itemStyle: { areaColor: highest ? config.colors[highest] : config.none_color }
          };
        });
        chart.setOption({
          animation: false,
          tooltip: {
            trigger: "item",
            formatter: function (params) {
              var item = params.data || {};
              var label = item.highest ? config.labels[item.highest] : "—";
              var encode = echarts.format.encodeHTML;
              return (
                encode(params.name) + "<br>" + (item.value || 0) + " " + encode(config.text.points) +
                "<br>" + encode(config.text.highest) + "：" + encode(label)
              );
            }
          },
          series: [
            {
              type: "map",
              map: "chengan-townships",
              roam: false,
              data: regions,
              label: { show: false },
              selectedMode: false,
              itemStyle: { borderColor: "#ffffff", borderWidth: 1 },
              emphasis: { label: { show: true }, itemStyle: { areaColor: null, opacity: 0.8 } }
            }
          ]
        });
        chart.on("click", function () {
          go(config.map_url);
        });
        element.setAttribute("data-state", "ready");
      })
      .catch(function () {
        element.setAttribute("data-state", "error");
        chart.dispose();
        element.textContent = "";
      });
  }

  function autoSubmitDirective() {
    var form = document.querySelector("[data-dashboard-directive]");
    if (!form) {
      return;
    }
    var select = form.querySelector("select");
    select.addEventListener("change", function () {
      form.submit();
    });
  }

  var specs = readJSON("dashboard-charts") || {};
  document.querySelectorAll("[data-dashboard-chart]").forEach(function (element) {
    var spec = specs[element.getAttribute("data-dashboard-chart")];
    if (spec && spec.categories && spec.categories.length) {
      charts.push(barChart(element, spec));
    }
  });
  var mapConfig = readJSON("dashboard-risk-map");
  var mapElement = document.querySelector("[data-dashboard-map]");
  if (mapConfig && mapElement) {
    riskMap(mapElement, mapConfig);
  }
  autoSubmitDirective();
  window.addEventListener("resize", function () {
    charts.forEach(function (chart) {
      chart.resize();
    });
  });
})();
