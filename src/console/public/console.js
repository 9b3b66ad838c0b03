// Dashboard charts: data comes from the page (a JSON block), Chart.js from /console/assets/chart.js.
(function () {
  'use strict';
  var block = document.getElementById('chart-data');
  if (!block || !window.Chart) return;
  var data = JSON.parse(block.textContent);
  var palette = [
    '#0b5cab',
    '#2a9d8f',
    '#e9c46a',
    '#f4a261',
    '#e76f51',
    '#6d597a',
    '#8ab17d',
    '#b5838d',
    '#457b9d',
    '#9c6644',
  ];
  document.querySelectorAll('canvas[data-kind]').forEach(function (canvas) {
    var series = data[canvas.id];
    if (!series) return;
    var kind = canvas.dataset.kind;
    new window.Chart(canvas, {
      type: kind,
      data: {
        labels: series.labels,
        datasets: [
          {
            label: series.label || '',
            data: series.data,
            backgroundColor: kind === 'line' ? 'rgba(11,92,171,0.15)' : palette,
            borderColor: kind === 'line' ? '#0b5cab' : undefined,
            fill: kind === 'line',
            tension: 0.2,
          },
        ],
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        indexAxis: kind === 'bar' ? 'y' : 'x',
        plugins: { legend: { display: kind === 'doughnut' } },
      },
    });
  });
})();
