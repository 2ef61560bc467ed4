/**
 * Static SVG charts for report.html: a page that must open from disk, offline, years later, so the
 * plots are plain SVG markup (no script, no fonts, no network). Log axes put ticks on powers of
 * ten; lines are thinned to about one point per pixel so a long trace stays a small file; hovering
 * a line shows its label (an SVG <title>).
 */
import { formatNumber } from '../display/format.js';

export type Scale = 'linear' | 'log';

export interface PlotSeries {
  label: string;
  colour: string;
  points: ReadonlyArray<readonly [number, number]>;
  /** 'line' (default); 'step': each value held until the next point; 'points': markers only; 'line+points'. */
  style?: 'line' | 'step' | 'points' | 'line+points';
  /** Vertical bars [x, low, high] in the series' colour: the spread behind each point (quartiles, say). */
  errorBars?: ReadonlyArray<readonly [number, number, number]>;
}

/** A dashed horizontal reference line (a saddle level, a target singular value). */
export interface GuideLine {
  value: number;
  label: string;
}

/** A horizontal bar over the data from x0 to x1 at height y: a detected plateau, say. */
export interface PlotSpan {
  x0: number;
  x1: number;
  y: number;
  colour: string;
  /** Shown on hover. */
  label: string;
}

export interface PlotSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  x: Scale;
  y: Scale;
  series: PlotSeries[];
  guides?: GuideLine[];
  /** Drawn over the series, translucent, so the line under them stays visible. */
  spans?: PlotSpan[];
  /** A categorical x axis: series x values are indices into these names. */
  xCategories?: string[];
  /** Legend entries under the chart (label → colour); none when omitted. */
  legend?: { label: string; colour: string }[];
  /** A line under the chart, e.g. "showing 48 of 200 runs". */
  note?: string;
  width?: number;
  height?: number;
  /** Unique within the page (names the clip path); default: from the title. */
  id?: string;
}

const MARGIN = { left: 62, right: 14, top: 30, bottom: 46 };
const AXIS = '#8b95a7';
const GRID = '#1e2632';
const TEXT = '#dfe5ee';

interface Axis {
  scale: Scale;
  lo: number;
  hi: number;
  ticks: { value: number; label: string }[];
  /** Unlabelled grid lines (the decades between labelled ones). */
  minor: number[];
}

/** A <figure> with the chart and its legend. */
export function plotFigure(spec: PlotSpec): string {
  const width = spec.width ?? 640;
  const height = spec.height ?? 320;
  const inner = { w: width - MARGIN.left - MARGIN.right, h: height - MARGIN.top - MARGIN.bottom };
  const usable = (value: number, scale: Scale) => Number.isFinite(value) && (scale === 'linear' || value > 0);
  const usableY = (value: number) => usable(value, spec.y);
  const xs: number[] = [];
  const ys: number[] = [];
  for (const series of spec.series) {
    const extent = [
      ...series.points,
      ...(series.errorBars ?? []).flatMap(
        ([x, lo, hi]) =>
          [
            [x, lo],
            [x, hi],
          ] as const,
      ),
    ];
    for (const [x, y] of extent) {
      if (usable(x, spec.x) && usableY(y)) {
        xs.push(x);
        ys.push(y);
      }
    }
  }
  const title = `<text x="${MARGIN.left}" y="18" class="p-title">${escapeXml(spec.title)}</text>`;
  if (xs.length === 0) {
    const empty = `<text x="${width / 2}" y="${height / 2}" text-anchor="middle" class="p-axis">no data to plot</text>`;
    return figure(svg(width, height, title + empty), spec);
  }
  for (const guide of spec.guides ?? []) if (usableY(guide.value)) ys.push(guide.value);
  const xAxis = spec.xCategories ? categoryAxis(spec.xCategories) : makeAxis(spec.x, xs);
  const yAxis = makeAxis(spec.y, ys);
  const px = (x: number) => MARGIN.left + position(xAxis, x) * inner.w;
  const py = (y: number) => MARGIN.top + (1 - position(yAxis, y)) * inner.h;

  const parts: string[] = [title];
  // Grid and ticks.
  for (const value of yAxis.minor) parts.push(hLine(MARGIN.left, MARGIN.left + inner.w, py(value), 'p-grid p-minor'));
  for (const { value, label } of yAxis.ticks) {
    const y = py(value);
    parts.push(hLine(MARGIN.left, MARGIN.left + inner.w, y, 'p-grid'));
    parts.push(`<text x="${MARGIN.left - 6}" y="${f(y + 4)}" text-anchor="end" class="p-tick">${label}</text>`);
  }
  for (const value of xAxis.minor) parts.push(vLine(px(value), MARGIN.top, MARGIN.top + inner.h, 'p-grid p-minor'));
  for (const { value, label } of xAxis.ticks) {
    const x = px(value);
    parts.push(vLine(x, MARGIN.top, MARGIN.top + inner.h, 'p-grid'));
    parts.push(
      `<text x="${f(x)}" y="${MARGIN.top + inner.h + 16}" text-anchor="middle" class="p-tick">${label}</text>`,
    );
  }
  parts.push(`<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${inner.w}" height="${inner.h}" class="p-frame"/>`);
  parts.push(
    `<text x="${MARGIN.left + inner.w / 2}" y="${height - 8}" text-anchor="middle" class="p-axis">${escapeXml(spec.xLabel)}</text>`,
  );
  parts.push(
    `<text x="14" y="${MARGIN.top + inner.h / 2}" text-anchor="middle" class="p-axis" transform="rotate(-90 14 ${MARGIN.top + inner.h / 2})">${escapeXml(spec.yLabel)}</text>`,
  );
  // Reference lines under the data; a label that would overlap the previous one is left out.
  let lastLabel = -Infinity;
  for (const guide of [...(spec.guides ?? [])].sort((a, b) => b.value - a.value)) {
    if (!usableY(guide.value)) continue;
    const y = py(guide.value);
    parts.push(hLine(MARGIN.left, MARGIN.left + inner.w, y, 'p-guide'));
    if (y - lastLabel < 11) continue;
    lastLabel = y;
    parts.push(
      `<text x="${MARGIN.left + inner.w - 4}" y="${f(y - 3)}" text-anchor="end" class="p-guide-label">${escapeXml(guide.label)}</text>`,
    );
  }
  // Data, clipped to the frame.
  const clip = `clip-${spec.id ?? slug(spec.title)}`;
  // The clip reaches a few pixels past the frame so markers on its edge stay whole.
  const pad = 5;
  parts.push(
    `<clipPath id="${clip}"><rect x="${MARGIN.left - pad}" y="${MARGIN.top - pad}" width="${inner.w + 2 * pad}" height="${inner.h + 2 * pad}"/></clipPath><g clip-path="url(#${clip})">`,
  );
  for (const series of spec.series) {
    const projected: ([number, number] | null)[] = series.points.map(([x, y]) =>
      usable(x, spec.x) && usableY(y) ? [px(x), py(y)] : null,
    );
    const style = series.style ?? 'line';
    const body: string[] = [];
    if (style !== 'points') {
      const d = pathData(projected, style === 'step');
      if (d) body.push(`<path d="${d}" stroke="${series.colour}" class="p-series"/>`);
    }
    if (style === 'points' || style === 'line+points') {
      for (const p of projected)
        if (p) body.push(`<circle cx="${f(p[0])}" cy="${f(p[1])}" r="3" fill="${series.colour}"/>`);
    }
    for (const [x, lo, hi] of series.errorBars ?? []) {
      if (usable(x, spec.x) && usableY(lo) && usableY(hi))
        body.push(
          `<line x1="${f(px(x))}" y1="${f(py(lo))}" x2="${f(px(x))}" y2="${f(py(hi))}" stroke="${series.colour}" class="p-error-bar"/>`,
        );
    }
    if (body.length > 0) parts.push(`<g><title>${escapeXml(series.label)}</title>${body.join('')}</g>`);
  }
  for (const span of spec.spans ?? []) {
    if (!usable(span.x0, spec.x) || !usable(span.x1, spec.x) || !usableY(span.y)) continue;
    const [x0, x1, y] = [px(span.x0), px(span.x1), py(span.y)];
    parts.push(
      `<g><title>${escapeXml(span.label)}</title><line x1="${f(x0)}" y1="${f(y)}" x2="${f(x1)}" y2="${f(y)}" stroke="${span.colour}" class="p-span"/></g>`,
    );
  }
  parts.push('</g>');
  return figure(svg(width, height, parts.join('')), spec);
}

function figure(svgText: string, spec: PlotSpec): string {
  const legend = spec.legend?.length
    ? `<div class="legend">${spec.legend.map((e) => `<span><i style="background:${e.colour}"></i>${escapeXml(e.label)}</span>`).join('')}</div>`
    : '';
  const note = spec.note ? `<div class="note">${escapeXml(spec.note)}</div>` : '';
  return `<figure class="plot">${svgText}${legend}${note}</figure>`;
}

function svg(width: number, height: number, body: string): string {
  return `<svg viewBox="0 0 ${width} ${height}" xmlns="http://www.w3.org/2000/svg" role="img">${body}</svg>`;
}

/** The charts' style, included once by the page that shows them. */
export const PLOT_CSS =
  `.p-title{fill:${TEXT};font-size:13px;font-weight:600}.p-tick{fill:${AXIS};font-size:10.5px}` +
  `.p-axis{fill:${AXIS};font-size:11.5px}.p-grid{stroke:${GRID};stroke-width:1}.p-minor{stroke-opacity:.45}` +
  `.p-frame{fill:none;stroke:#2a3442}.p-guide{stroke:${AXIS};stroke-dasharray:5 4;stroke-width:1}` +
  `.p-guide-label{fill:${AXIS};font-size:10px}.p-series{fill:none;stroke-width:1.5;stroke-linejoin:round;stroke-linecap:round}` +
  `g:hover>.p-series{stroke-width:3}.p-error-bar{stroke-width:1.5;stroke-opacity:.8}.p-span{stroke-width:7;stroke-opacity:.35;stroke-linecap:round}g:hover>.p-span{stroke-opacity:.7}`;

/** SVG path through the projected points, breaking at gaps and dropping points within a pixel of the last one drawn. */
function pathData(points: ([number, number] | null)[], step: boolean): string {
  const out: string[] = [];
  let last: [number, number] | null = null;
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    if (!p) {
      last = null;
      continue;
    }
    if (!last) {
      out.push(`M${f(p[0])},${f(p[1])}`);
      last = p;
      continue;
    }
    const isLast = i === points.length - 1 || !points[i + 1];
    if (!isLast && Math.abs(p[0] - last[0]) < 1 && Math.abs(p[1] - last[1]) < 1) continue;
    out.push(step ? `H${f(p[0])}V${f(p[1])}` : `L${f(p[0])},${f(p[1])}`);
    last = p;
  }
  return out.join('');
}

function makeAxis(scale: Scale, values: number[]): Axis {
  let lo = values.reduce((m, v) => Math.min(m, v), Infinity);
  let hi = values.reduce((m, v) => Math.max(m, v), -Infinity);
  if (scale === 'log') {
    let a = Math.floor(Math.log10(lo) + 1e-9);
    let b = Math.ceil(Math.log10(hi) - 1e-9);
    if (a === b) {
      a -= 1;
      b += 1;
    }
    const every = Math.ceil((b - a) / 7);
    const ticks: Axis['ticks'] = [];
    const minor: number[] = [];
    for (let e = a; e <= b; e++) {
      if ((e - a) % every === 0) ticks.push({ value: 10 ** e, label: powerOfTen(e) });
      else minor.push(10 ** e);
    }
    return { scale, lo: 10 ** a, hi: 10 ** b, ticks, minor };
  }
  if (lo === hi) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  const step = niceStep((hi - lo) / 5);
  const start = Math.floor(lo / step) * step;
  const end = Math.ceil(hi / step) * step;
  const ticks: Axis['ticks'] = [];
  // Enough significant digits that neighbouring ticks differ (a narrow range far from 0 needs more than 3).
  const digits = Math.max(3, Math.ceil(Math.log10(Math.max(Math.abs(start), Math.abs(end)) / step)) + 1);
  for (let v = start; v <= end + step / 2; v += step)
    ticks.push({ value: v, label: formatNumber(Number(v.toPrecision(12)), digits) });
  return { scale, lo: start, hi: end, ticks, minor: [] };
}

function categoryAxis(names: string[]): Axis {
  return {
    scale: 'linear',
    lo: -0.5,
    hi: names.length - 0.5,
    ticks: names.map((label, i) => ({ value: i, label: escapeXml(label) })),
    minor: [],
  };
}

function position(axis: Axis, value: number): number {
  if (axis.scale === 'log')
    return (Math.log10(value) - Math.log10(axis.lo)) / (Math.log10(axis.hi) - Math.log10(axis.lo));
  return (value - axis.lo) / (axis.hi - axis.lo);
}

function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * power;
}

const SUPERSCRIPT: Record<string, string> = {
  '-': '⁻',
  '0': '⁰',
  '1': '¹',
  '2': '²',
  '3': '³',
  '4': '⁴',
  '5': '⁵',
  '6': '⁶',
  '7': '⁷',
  '8': '⁸',
  '9': '⁹',
};

/** 0.01 … 1000 written out, other decades as 10ⁿ. */
function powerOfTen(exponent: number): string {
  if (exponent >= -2 && exponent <= 3) return String(Number((10 ** exponent).toPrecision(1)));
  return `10${[...String(exponent)].map((c) => SUPERSCRIPT[c]).join('')}`;
}

const hLine = (x1: number, x2: number, y: number, cls: string) =>
  `<line x1="${f(x1)}" x2="${f(x2)}" y1="${f(y)}" y2="${f(y)}" class="${cls}"/>`;
const vLine = (x: number, y1: number, y2: number, cls: string) =>
  `<line x1="${f(x)}" x2="${f(x)}" y1="${f(y1)}" y2="${f(y2)}" class="${cls}"/>`;
/** Coordinates to 0.1 px: plenty on screen, a third of the text of full precision. */
const f = (v: number) => String(Math.round(v * 10) / 10);

const slug = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, '-');

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
