// Draws the dashboard's charts from the figures the server embedded; the tables under each
// chart carry the same numbers for screen readers and when scripts are off.
(function () {
  "use strict";
  const figures = JSON.parse(document.getElementById("figures").textContent);
  const ink = "#111111";
  const palette = ["#0b4f9c", "#b35900", "#2e7d32", "#8e24aa", "#616161"];
  Chart.defaults.color = ink;
  Chart.defaults.animation = false;

  function line(id, labels, series, options) {
    new Chart(document.getElementById(id), {
      type: "line",
      data: {
        labels: labels,
        datasets: series.map(function (s, i) {
          return { label: s.label, data: s.data, borderColor: palette[i], backgroundColor: palette[i],
                   stepped: options.stepped || false, spanGaps: false, yAxisID: s.axis || "y" };
        })
      },
      options: { scales: options.scales || {} }
    });
  }

  const e = figures.engagement;
  line("chart-engagement", e.labels, [
    { label: "Check-ins per pair", data: e.check_ins_per_pair },
    { label: "Cadence kept (share)", data: e.cadence_kept, axis: "share" }
  ], { scales: { share: { position: "right", min: 0, max: 1 } } });

  const s = figures.survival;
  line("chart-survival", s.labels, [{ label: "Pairs still running (share)", data: s.survival }],
       { stepped: true, scales: { y: { min: 0, max: 1 } } });

  const h = figures.health;
  new Chart(document.getElementById("chart-health"), {
    type: "bar",
    data: {
      labels: h.labels,
      datasets: Object.keys(h.series).map(function (name, i) {
        return { label: name, data: h.series[name], backgroundColor: palette[i] };
      })
    },
    options: { scales: { x: { stacked: true }, y: { stacked: true } } }
  });

  const p = figures.pulse;
  line("chart-pulse", p.labels, [
    { label: "Stress", data: p.avg_stress },
    { label: "Belonging", data: p.avg_belonging },
    { label: "Confidence", data: p.avg_confidence }
  ], { scales: { y: { min: 1, max: 5 } } });
  document.body.dataset.charts = "drawn";
})();
