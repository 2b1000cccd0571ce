// Balance-over-time chart on /history: an inline SVG polyline, no library.
(function () {
  var data = document.getElementById('balance-series');
  var svg = document.getElementById('balance-chart');
  if (!data || !svg) return;
  var points = JSON.parse(data.textContent);
  if (points.length < 2) return;
  var W = 600, H = 160, PAD = 8, NS = 'http://www.w3.org/2000/svg';
  var values = points.map(function (p) { return p.balance; });
  var max = Math.max.apply(null, values), min = Math.min(0, Math.min.apply(null, values));
  var span = max - min || 1;
  var coords = points.map(function (p, i) {
    var x = PAD + (W - 2 * PAD) * i / (points.length - 1);
    var y = H - PAD - (H - 2 * PAD) * (p.balance - min) / span;
    return x.toFixed(1) + ',' + y.toFixed(1);
  });
  var line = document.createElementNS(NS, 'polyline');
  line.setAttribute('points', coords.join(' '));
  svg.appendChild(line);
  document.getElementById('balance-chart-max').textContent = window.goldcoin.t('chart.max', { value: max });
  svg.setAttribute('data-points', points.length);
})();
