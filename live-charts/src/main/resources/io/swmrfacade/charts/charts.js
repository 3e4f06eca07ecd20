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

  // An oscilloscope trace of one window of samples, as the reader's /api/window sends it:
  // {first, count, columns, min: [...], max: [...], sampleRateHz, units}. With one sample per
  // column it draws a <polyline data-trace="samples">; with more, a <polygon data-trace="envelope">
  // through every column's max (left to right) and back through its min, so a one-sample spike
  // still shows. The svg carries data-ymin/ymax/top/bottom/first/count/columns, so tests can
  // turn drawn coordinates back into sample values.
  function scope(svg, w, color) {
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    const width = +svg.getAttribute("width"), h = +svg.getAttribute("height");
    const left = 56, right = 8, top = 8, bottom = h - 20;
    const finite = v => Number.isFinite(v);
    let lo = Math.min(...w.min.filter(finite)), hi = Math.max(...w.max.filter(finite));
    if (!finite(lo) || !finite(hi)) { lo = 0; hi = 1; }
    if (hi === lo) { hi += 1; lo -= 1; }
    const cols = Math.max(1, w.columns);
    const x = c => left + (c + 0.5) / cols * (width - left - right);
    const y = v => bottom - (v - lo) / (hi - lo) * (bottom - top);
    Object.entries({ymin: lo, ymax: hi, top, bottom, first: w.first, count: w.count, columns: w.columns})
        .forEach(([k, v]) => svg.setAttribute("data-" + k, v));
    el("line", {x1: left, y1: top, x2: left, y2: bottom, stroke: "#bbb"}, svg);
    if (lo < 0 && hi > 0) el("line", {x1: left, y1: y(0), x2: width - right, y2: y(0), stroke: "#ddd"}, svg);
    el("text", {x: left - 4, y: top + 10, "text-anchor": "end", "font-size": 11}, svg).textContent = fmt(hi);
    el("text", {x: left - 4, y: bottom, "text-anchor": "end", "font-size": 11}, svg).textContent = fmt(lo);
    const span = w.sampleRateHz > 0 ? "-" + fmt(w.count / w.sampleRateHz) + " s" : "-" + fmt(w.count) + " samples";
    el("text", {x: left, y: h - 4, "font-size": 11}, svg).textContent = span + (w.units ? "  (" + w.units + ")" : "");
    el("text", {x: width - right, y: h - 4, "text-anchor": "end", "font-size": 11}, svg).textContent = "newest";
    const p = (c, v) => x(c).toFixed(2) + "," + y(v).toFixed(2);
    const stroke = color || COLORS[0];
    // Columns without a finite value (null in the JSON: NaN or infinite samples) are left out.
    const pts = values => values.map((v, c) => finite(v) ? p(c, v) : null).filter(q => q !== null);
    if (w.columns === w.count) {
      el("polyline", {points: pts(w.min).join(" "), fill: "none", stroke, "stroke-width": 1.2,
        "data-trace": "samples"}, svg);
    } else {
      const up = pts(w.max), down = pts(w.min).reverse();
      el("polygon", {points: up.concat(down).join(" "), fill: stroke, "fill-opacity": 0.35, stroke, "stroke-width": 1,
        "data-trace": "envelope"}, svg);
    }
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

  return {lines, scope, legend, fmt, COLORS};
})();
