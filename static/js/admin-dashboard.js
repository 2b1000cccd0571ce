/* Economy dashboard: draw the figures as an SVG line chart. The page embeds
   the figures it was rendered with (#dashboard-data); without them, fetch the
   JSON endpoint. No libraries: a few elements per series. */
(function () {
  "use strict";
  var root = document.getElementById("dashboard");
  var svg = document.getElementById("economy-chart");
  if (!root || !svg) { return; }
  var NS = "http://www.w3.org/2000/svg";
  // The admin pages do not load goldcoin.js: the strings come in #dashboard's data-i18n.
  var texts = JSON.parse(root.getAttribute("data-i18n") || "{}");
  function t(key, values) {
    var text = texts[key] !== undefined ? texts[key] : key;
    return text.replace(/%\((\w+)\)s/g, function (all, name) { return values && name in values ? String(values[name]) : all; });
  }
  var SERIES = [
    { key: "minted", color: "#d4a017" },
    { key: "sold", color: "#2a7ab0" },
    { key: "sunk", color: "#b03a2e" },
    { key: "escrowed", color: "#6c757d" }
  ];

  function el(name, attrs, text) {
    var node = document.createElementNS(NS, name);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    svg.appendChild(node);
    return node;
  }

  function draw(data) {
    while (svg.firstChild) { svg.removeChild(svg.firstChild); }
    var width = svg.clientWidth || 960, height = svg.clientHeight || 320;
    var pad = { left: 56, right: 24, top: 16, bottom: 36 };
    svg.setAttribute("viewBox", "0 0 " + width + " " + height);
    var values = [];
    SERIES.forEach(function (s) { values = values.concat(data[s.key]); });
    var max = Math.max.apply(null, values.concat([1]));
    var min = Math.min.apply(null, values.concat([0]));
    var n = data.days.length;
    var x = function (i) { return pad.left + (n > 1 ? i * (width - pad.left - pad.right) / (n - 1) : (width - pad.left - pad.right) / 2); };
    var y = function (v) { return pad.top + (max - v) * (height - pad.top - pad.bottom) / (max - min || 1); };

    // Axes, zero line and a few labels.
    el("line", { x1: pad.left, y1: pad.top, x2: pad.left, y2: height - pad.bottom, stroke: "#999" });
    el("line", { x1: pad.left, y1: y(0), x2: width - pad.right, y2: y(0), stroke: "#999" });
    var shown = {};
    [min, (min + max) / 2, max].forEach(function (v) {
      var text = String(Math.round(v));
      if (shown[text]) { return; }  // 0..1: the middle would repeat a bound
      shown[text] = true;
      el("text", { x: pad.left - 6, y: y(v) + 4, "text-anchor": "end", "font-size": 11, fill: "#555", "class": "y-label" }, text);
    });
    // Day labels: every `step`-th day counted back from the last one (always
    // labelled), `step` chosen from the measured width of a label, so that no
    // two labels overlap at any width of the chart.
    if (n > 0) {
      var probe = el("text", { x: 0, y: -20, "font-size": 11 }, data.days[n - 1].slice(5));
      var labelWidth = probe.getBBox().width || 30;
      svg.removeChild(probe);
      var perDay = n > 1 ? (width - pad.left - pad.right) / (n - 1) : Infinity;
      var step = Math.max(1, Math.ceil((labelWidth + 8) / perDay));
      for (var i = n - 1; i >= 0; i -= step) {
        el("text", { x: x(i), y: height - pad.bottom + 16, "text-anchor": "middle", "font-size": 11, fill: "#555", "class": "x-label" },
           data.days[i].slice(5));
      }
    }

    SERIES.forEach(function (s) {
      var points = data[s.key].map(function (v, i) { return x(i) + "," + y(v); }).join(" ");
      el("polyline", { points: points, fill: "none", stroke: s.color, "stroke-width": 2, "class": "series series-" + s.key });
      data[s.key].forEach(function (v, i) {
        var dot = el("circle", {
          cx: x(i), cy: y(v), r: 3, fill: s.color, "class": "point",
          "data-series": s.key, "data-day": data.days[i], "data-value": v
        });
        var title = document.createElementNS(NS, "title");
        title.textContent = t("dashboard." + s.key) + " " + data.days[i] + ": " + v;
        dot.appendChild(title);
      });
    });
    svg.setAttribute("data-drawn", "true");
  }

  var embedded = document.getElementById("dashboard-data");
  if (embedded) {
    draw(JSON.parse(embedded.textContent));
    return;
  }
  fetch(root.getAttribute("data-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.json(); })
    .then(draw)
    .catch(function (err) {
      svg.setAttribute("data-error", String(err));
      el("text", { x: 20, y: 30, fill: "#b03a2e" }, t("chart.error", { error: err }));
    });
})();
