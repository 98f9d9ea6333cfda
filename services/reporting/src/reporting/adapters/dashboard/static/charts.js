/* Gotong dashboard charts: number formats and small inline-SVG charts, no library.
 *
 * Every drawn number carries its exact value: data-key (what it is), data-id (whose:
 * a cooperative or a region) and data-value (the API's integer, "" for none).
 */
(function () {
  "use strict";

  var SVG_NS = "http://www.w3.org/2000/svg";

  // --- number formats (Indonesian: dots group thousands, a comma before decimals) ---------

  function groupDigits(n) {
    return String(Math.abs(Math.trunc(n))).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  }

  function integer(n) {
    if (n === null || n === undefined) return "—";
    return (n < 0 ? "-" : "") + groupDigits(n);
  }

  function rupiah(n) {
    if (n === null || n === undefined) return "—";
    return (n < 0 ? "-" : "") + "Rp " + groupDigits(n);
  }

  // basis points (10000 = 100 %) as "12,34%": exact, no float arithmetic
  function percent(bp) {
    if (bp === null || bp === undefined) return "—";
    var a = Math.abs(bp);
    return (bp < 0 ? "-" : "") + groupDigits(Math.floor(a / 100)) + "," +
      String(a % 100).padStart(2, "0") + "%";
  }

  function growth(bp) {
    if (bp === null || bp === undefined) return "—";
    if (bp > 0) return "▲ " + percent(bp);
    if (bp < 0) return "▼ " + percent(-bp);
    return "± " + percent(0);
  }

  function growthClass(bp) {
    if (bp === null || bp === undefined || bp === 0) return "flat";
    return bp > 0 ? "up" : "down";
  }

  // --- DOM helpers ---------------------------------------------------------------------

  function svg(name, attrs, parent) {
    var node = document.createElementNS(SVG_NS, name);
    setAttrs(node, attrs);
    if (parent) parent.appendChild(node);
    return node;
  }

  function html(name, attrs, parent, text) {
    var node = document.createElement(name);
    setAttrs(node, attrs);
    if (text !== undefined && text !== null) node.textContent = text;
    if (parent) parent.appendChild(node);
    return node;
  }

  function setAttrs(node, attrs) {
    if (!attrs) return;
    Object.keys(attrs).forEach(function (k) {
      var v = attrs[k];
      if (v === undefined || v === false) return;
      node.setAttribute(k, v === null ? "" : String(v));
    });
  }

  // the attributes of a drawn number
  function datum(key, id, value) {
    var attrs = { "data-key": key, "data-value": value === null || value === undefined ? "" : value };
    if (id !== null && id !== undefined) attrs["data-id"] = id;
    return attrs;
  }

  function tooltip(node, text) {
    svg("title", null, node).textContent = text;
  }

  // shorten a text node until it fits ``width`` (it must be in the document)
  function fit(textNode, width) {
    if (width <= 0) return;
    var full = textNode.textContent;
    if (textNode.getComputedTextLength() <= width) return;
    var lo = 0, hi = full.length;
    while (lo < hi) {
      var mid = Math.ceil((lo + hi) / 2);
      textNode.textContent = full.slice(0, mid) + "…";
      if (textNode.getComputedTextLength() <= width) lo = mid; else hi = mid - 1;
    }
    textNode.textContent = full.slice(0, lo).replace(/\s+$/, "") + "…";
  }

  // shrink an SVG text's font until it fits ``width``: a number is never cut short
  function shrink(textNode, width, minSize) {
    var size = parseFloat(window.getComputedStyle(textNode).fontSize) || 14;
    while (textNode.getComputedTextLength() > width && size > minSize) {
      size -= 0.5;
      textNode.setAttribute("font-size", String(size));
    }
  }

  // the same for an HTML element that must stay on one line
  function shrinkToFit(node, minSize) {
    node.style.fontSize = "";
    var size = parseFloat(window.getComputedStyle(node).fontSize) || 16;
    while (node.scrollWidth > node.clientWidth + 0.5 && size > minSize) {
      size -= 0.5;
      node.style.fontSize = size + "px";
    }
  }

  function clear(container) {
    while (container.firstChild) container.removeChild(container.firstChild);
  }

  function widthOf(container) {
    return Math.max(240, Math.floor(container.clientWidth || 320));
  }

  function empty(container, message) {
    clear(container);
    html("p", { "class": "chart-empty" }, container, message);
  }

  // --- horizontal bars: a label line above each bar, stacked segments, the total right ---

  /* opts: key (data-key prefix), rows [{id, label, sublabel, segments: [{series, value}],
   * total, totalText, title}], series [{key, label}], format(value) -> text, max,
   * thresholds [{value, label}], axis [{value, label}], ariaLabel, emptyText */
  function hbars(container, opts) {
    clear(container);
    if (!opts.rows.length) {
      empty(container, opts.emptyText || "Tidak ada data.");
      return;
    }
    var width = widthOf(container);
    var rowHeight = 46, barHeight = 13, top = 4;
    var axisHeight = opts.axis ? 22 : 0;
    var height = top + opts.rows.length * rowHeight + axisHeight;
    var max = opts.max || 0;
    opts.rows.forEach(function (row) {
      var sum = 0;
      row.segments.forEach(function (s) { sum += Math.max(0, s.value || 0); });
      max = Math.max(max, sum);
    });
    var scale = function (v) { return max > 0 ? Math.max(0, v || 0) / max * width : 0; };

    var root = svg("svg", {
      width: width, height: height, viewBox: "0 0 " + width + " " + height,
      role: "img", "aria-label": opts.ariaLabel, "data-chart": opts.key,
    }, container);

    opts.rows.forEach(function (row, i) {
      var y = top + i * rowHeight;
      var g = svg("g", { "class": "bar-row", "data-id": row.id }, root);
      var total = svg("text", Object.assign({ "class": "value", x: width, y: y + 14,
        "text-anchor": "end" }, datum(opts.key + ".total", row.id, row.total)), g);
      total.textContent = row.totalText !== undefined ? row.totalText : opts.format(row.total);
      var label = svg("text", { "class": "label", x: 0, y: y + 14 }, g);
      label.textContent = row.label;
      var room = width - total.getComputedTextLength() - 12;
      if (row.sublabel) {
        var sub = svg("tspan", { "class": "sublabel", dx: 6 }, label);
        sub.textContent = row.sublabel;
        if (label.getComputedTextLength() > room) {
          label.removeChild(sub);
        }
      }
      fit(label, room);
      var barY = y + 22;
      svg("rect", { "class": "track", x: 0, y: barY, width: width, height: barHeight, rx: 3 }, g);
      var x = 0;
      row.segments.forEach(function (s) {
        var w = scale(s.value);
        var rect = svg("rect", Object.assign({
          "class": "segment fill-" + (s.cls || s.series), x: x, y: barY, width: w,
          height: barHeight, rx: 3,
        }, datum(opts.key + "." + s.series, row.id, s.value)), g);
        var series = (opts.series || []).filter(function (d) { return d.key === s.series; })[0];
        tooltip(rect, row.label + " — " + (series ? series.label + ": " : "") +
          opts.format(s.value));
        x += w;
      });
      if (row.title) tooltip(g, row.title);
    });

    // grid and threshold lines cross the bars only, never the labels above them
    function band(cls, value, label) {
      var x = Math.min(width - 0.5, Math.max(0.5, scale(value)));
      opts.rows.forEach(function (row, i) {
        var y = top + i * rowHeight + 22;
        var line = svg("line", { "class": cls, x1: x, x2: x, y1: y - 3, y2: y + barHeight + 3 },
          root);
        if (label) tooltip(line, label);
      });
      return x;
    }
    var gridLayer = svg("g", { "class": "grid" }, root);
    (opts.axis || []).forEach(function (tick) {
      var x = band("grid-line", tick.value);
      var t = svg("text", { "class": "axis", x: x, y: height - 6,
        "text-anchor": tick.value === 0 ? "start" : (x > width - 30 ? "end" : "middle") }, gridLayer);
      t.textContent = tick.label;
    });

    (opts.thresholds || []).forEach(function (t) { band("threshold", t.value, t.label); });
    return root;
  }

  // --- donut: slices of a whole, the total in the middle, a legend beside -------------------

  /* opts: key, slices [{key, label, value}], total, ariaLabel, caption, format */
  function donut(container, opts) {
    clear(container);
    var wrap = html("div", { "class": "donut-wrap" }, container);
    var size = 188, r = 78, thickness = 22, c = size / 2;
    var root = svg("svg", { width: size, height: size, viewBox: "0 0 " + size + " " + size,
      role: "img", "aria-label": opts.ariaLabel, "data-chart": opts.key }, wrap);
    svg("circle", { "class": "donut-track", cx: c, cy: c, r: r, fill: "none",
      "stroke-width": thickness }, root);
    var sum = 0;
    opts.slices.forEach(function (s) { sum += Math.max(0, s.value); });
    var angle = -Math.PI / 2;
    opts.slices.forEach(function (s) {
      var share = sum > 0 ? Math.max(0, s.value) / sum : 0;
      var sweep = share * 2 * Math.PI;
      var d = "";
      if (share >= 0.9999) {
        d = ring(c, r, thickness);
      } else if (share > 0) {
        d = arc(c, r, thickness, angle, angle + sweep);
      }
      var path = svg("path", Object.assign({ "class": "slice fill-" + s.key, d: d },
        datum(opts.key + "." + s.key, null, s.value)), root);
      tooltip(path, s.label + ": " + opts.format(s.value));
      angle += sweep;
    });
    var totalText = svg("text", Object.assign({ "class": "donut-total", x: c, y: c + 2,
      "text-anchor": "middle" }, datum(opts.key + ".total", null, opts.total)), root);
    totalText.textContent = opts.format(opts.total);
    shrink(totalText, 2 * (r - thickness / 2) - 12, 9);
    var caption = svg("text", { "class": "donut-caption", x: c, y: c + 19, "text-anchor": "middle" },
      root);
    caption.textContent = opts.caption || "total";

    var legend = html("ul", { "class": "donut-legend" }, wrap);
    opts.slices.forEach(function (s) {
      var li = html("li", null, legend);
      html("span", { "class": "swatch bg-" + s.key }, li);
      html("span", { "class": "name" }, li, s.label);
      html("span", Object.assign({ "class": "amount" }, datum(opts.key + ".legend." + s.key, null,
        s.value)), li, opts.format(s.value));
      var bp = sum > 0 ? Math.round(Math.max(0, s.value) * 10000 / sum) : null;
      html("span", { "class": "share" }, li, bp === null ? "" : percent(bp) + " dari total");
    });
    return root;
  }

  function point(c, radius, a) {
    return (c + radius * Math.cos(a)).toFixed(2) + " " + (c + radius * Math.sin(a)).toFixed(2);
  }

  function arc(c, r, thickness, a0, a1) {
    var outer = r + thickness / 2, inner = r - thickness / 2;
    var large = a1 - a0 > Math.PI ? 1 : 0;
    return "M " + point(c, outer, a0) + " A " + outer + " " + outer + " 0 " + large + " 1 " +
      point(c, outer, a1) + " L " + point(c, inner, a1) + " A " + inner + " " + inner + " 0 " +
      large + " 0 " + point(c, inner, a0) + " Z";
  }

  function ring(c, r, thickness) {
    var outer = r + thickness / 2, inner = r - thickness / 2;
    return "M " + (c - outer) + " " + c + " a " + outer + " " + outer + " 0 1 0 " + 2 * outer +
      " 0 a " + outer + " " + outer + " 0 1 0 " + -2 * outer + " 0 Z M " + (c - inner) + " " + c +
      " a " + inner + " " + inner + " 0 1 1 " + 2 * inner + " 0 a " + inner + " " + inner +
      " 0 1 1 " + -2 * inner + " 0 Z";
  }

  function legend(container, items) {
    clear(container);
    items.forEach(function (item) {
      var span = html("span", null, container);
      html("span", { "class": "swatch bg-" + item.cls }, span);
      span.appendChild(document.createTextNode(item.label));
    });
  }

  window.GotongCharts = {
    integer: integer, rupiah: rupiah, percent: percent, growth: growth,
    growthClass: growthClass, hbars: hbars, donut: donut, legend: legend, html: html,
    datum: datum, clear: clear, shrinkToFit: shrinkToFit,
  };
})();
