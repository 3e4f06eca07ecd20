// Small line charts in SVG, for swmr-facade's live pages. No dependencies, so pages stay
// self-contained. Written to be shared: any page with time series can call SfCharts.lines.
"use strict";
const SfCharts = (() => {
  const NS = "http://www.w3.org/2000/svg";
  const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2"];
  const el = (name, attrs, parent) => {
    const e = document.createElementNS(NS, name);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (parent) parent.appendChild(e);
    return e;
  };
  const fmt = n => (Math.abs(n) >= 100 ? Math.round(n) : Math.round(n * 10) / 10).toLocaleString("en-US");

  // series: [{name, points: [[t, y], ...]}], t in ms. Draws into svg (cleared first), with the
  // y axis from 0 to the largest value and the x axis over the last windowMs. Each line is a
  // <polyline data-series="name">, so tests can read what was drawn.
  function lines(svg, series, windowMs, unit) {
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    const w = +svg.getAttribute("width"), h = +svg.getAttribute("height");
    const left = 48, right = 8, top = 8, bottom = 20;
    const now = Math.max(0, ...series.flatMap(s => s.points.map(p => p[0])));
    const from = now - windowMs;
    const ymax = Math.max(1, ...series.flatMap(s => s.points.map(p => p[1])));
    const x = t => left + (t - from) / windowMs * (w - left - right);
    const y = v => top + (1 - v / ymax) * (h - top - bottom);
    el("line", {x1: left, y1: y(0), x2: w - right, y2: y(0), stroke: "#bbb"}, svg);
    el("line", {x1: left, y1: top, x2: left, y2: y(0), stroke: "#bbb"}, svg);
    el("text", {x: left - 4, y: top + 10, "text-anchor": "end", "font-size": 11}, svg).textContent = fmt(ymax);
    el("text", {x: left - 4, y: y(0), "text-anchor": "end", "font-size": 11}, svg).textContent = "0";
    el("text", {x: w - right, y: h - 4, "text-anchor": "end", "font-size": 11}, svg).textContent = "now";
    el("text", {x: left, y: h - 4, "font-size": 11}, svg).textContent =
        "-" + Math.round(windowMs / 1000) + " s" + (unit ? "  (" + unit + ")" : "");
    series.forEach((s, i) => {
      const pts = s.points.filter(p => p[0] >= from).map(p => x(p[0]).toFixed(1) + "," + y(p[1]).toFixed(1));
      el("polyline", {points: pts.join(" "), fill: "none", stroke: COLORS[i % COLORS.length],
        "stroke-width": 1.5, "data-series": s.name}, svg);
    });
  }

  // A legend: one coloured swatch and name per series, in the order lines() colours them.
  function legend(div, names) {
    div.textContent = "";
    names.forEach((n, i) => {
      const sw = document.createElement("span");
      sw.className = "swatch";
      sw.style.background = COLORS[i % COLORS.length];
      div.appendChild(sw);
      div.appendChild(document.createTextNode(n + "  "));
    });
  }

  return {lines, legend, fmt};
})();
