/* The programme dashboard's charts: data from <script type="application/json" id="programme-charts">. */
(function () {
  "use strict";
  var COLORS = ["#0f5d63", "#e0a100", "#6f42c1", "#d63384", "#198754"];
  function draw() {
    var source = document.getElementById("programme-charts");
    if (!source || !window.Chart) { return; }
    JSON.parse(source.textContent).forEach(function (chart) {
      var canvas = document.querySelector("canvas[data-chart='" + chart.slug + "']");
      if (!canvas) { return; }
      var horizontal = chart.kind === "hbar";
      var line = chart.kind === "line";
      new window.Chart(canvas, {
        type: line ? "line" : "bar",
        data: {
          labels: chart.labels,
          datasets: chart.series.map(function (s, i) {
            return {
              label: s.label, data: s.data, borderColor: COLORS[i % COLORS.length],
              backgroundColor: COLORS[i % COLORS.length] + (line ? "33" : "cc"),
              tension: 0, spanGaps: true, fill: false
            };
          })
        },
        options: {
          indexAxis: horizontal ? "y" : "x",
          maintainAspectRatio: false,
          animation: false,
          plugins: { legend: { display: chart.series.length > 1, position: "bottom" } },
          scales: horizontal ? { x: { beginAtZero: true, max: 100 } } : { y: chart.max ? { beginAtZero: true, max: chart.max } : { beginAtZero: true } }
        }
      });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
