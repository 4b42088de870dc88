// A rolling time-series chart on uPlot (loaded as the global `uPlot`), with vertical markers for
// alerts and anomalies drawn over the plot.

const MAX_POINTS = 600;
const AXIS = { stroke: '#8b95a5', grid: { stroke: '#232a36', width: 1 }, ticks: { stroke: '#232a36' } };
const MARK_COLORS = { alert: '#ff5d5d', anomaly: '#f5b942', resolved: '#3ecf8e' };

const clock = (t) => new Date(t * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });

export class LiveChart {
  /**
   * @param {HTMLElement} el
   * A series with `right: true` gets its own scale and axis on the right (for a small rate beside a
   * large one), formatted by `rightFormat`.
   * @param {{series: {label: string, color: string, format?: (v: number) => string, dash?: number[],
   *          right?: boolean}[], rightFormat?: (v: number) => string,
   *          yFormat?: (v: number) => string, axisFormat?: (v: number) => string,
   *          yMin?: number, yMax?: number}} spec
   */
  constructor(el, spec) {
    this.el = el;
    this.spec = spec;
    this.data = [[], ...spec.series.map(() => [])];
    this.marks = [];
    this.plot = new uPlot(this.options(), this.data, el);
    new ResizeObserver(() => this.fit()).observe(el);
  }

  options() {
    const { series, yFormat, axisFormat, yMin, yMax } = this.spec;
    const fmt = (v) => (v == null || !Number.isFinite(v) ? '–' : yFormat ? yFormat(v) : v.toFixed(2));
    const tick = axisFormat ?? fmt;
    const hasRight = series.some((s) => s.right);
    const right = { ...AXIS, scale: 'right', side: 1, size: 56, grid: { show: false }, values: (_u, ticks) => ticks.map(this.spec.rightFormat ?? fmt) };
    return {
      ...this.size(),
      cursor: { drag: { x: false, y: false } },
      legend: { live: true },
      scales: {
        x: { time: true },
        y: { range: (_u, min, max) => [yMin ?? Math.min(0, min), yMax ?? (max > 0 ? max * 1.15 : 1)] },
        right: { range: (_u, _min, max) => [0, max > 0 ? max * 1.3 : 0.01] },
      },
      axes: [{ ...AXIS, space: 70, values: (_u, ticks) => ticks.map(clock) }, { ...AXIS, size: 56, values: (_u, ticks) => ticks.map(tick) }, ...(hasRight ? [right] : [])],
      series: [
        // Before any data the legend has no time: a dash, never uPlot's NaN-NaN-NaN.
        { value: (_u, t) => (Number.isFinite(t) ? clock(t) : '–') },
        ...series.map((s) => ({
          label: s.label,
          scale: s.right ? 'right' : 'y',
          stroke: s.color,
          width: 1.6,
          dash: s.dash,
          points: { show: false },
          spanGaps: true,
          value: (_u, v) => (s.format ?? fmt)(v),
        })),
      ],
      hooks: { draw: [(u) => this.drawMarks(u)], setCursor: [() => this.showLatest()] },
    };
  }

  size() {
    const width = Math.max(240, this.el.clientWidth);
    return { width, height: Math.max(140, Math.min(240, Math.round(width * 0.36))) };
  }

  fit() {
    this.plot.setSize(this.size());
  }

  /** Appends one point; `t` in seconds, `values` in series order (null for a gap). */
  push(t, values) {
    this.data[0].push(t);
    values.forEach((v, i) => this.data[i + 1].push(v ?? null));
    if (this.data[0].length > MAX_POINTS) for (const column of this.data) column.shift();
    const oldest = this.data[0][0];
    this.marks = this.marks.filter((m) => m.t >= oldest);
    this.plot.setData(this.data);
    this.showLatest();
  }

  /** Unless the pointer is over the chart, the legend shows the newest values. */
  showLatest() {
    if (this.plot.cursor.left >= 0 || this.data[0].length === 0) return;
    this.plot.setLegend({ idx: this.data[0].length - 1 });
  }

  /** A vertical line at `t` seconds; kind is alert, anomaly or resolved. */
  mark(t, kind) {
    this.marks.push({ t, kind });
    this.plot.redraw(false);
  }

  drawMarks(u) {
    const { ctx, bbox } = u;
    ctx.save();
    ctx.lineWidth = 2 * devicePixelRatio;
    for (const m of this.marks) {
      const x = Math.round(u.valToPos(m.t, 'x', true));
      if (x < bbox.left || x > bbox.left + bbox.width) continue;
      ctx.strokeStyle = MARK_COLORS[m.kind] ?? '#fff';
      ctx.setLineDash(m.kind === 'anomaly' ? [5 * devicePixelRatio, 4 * devicePixelRatio] : []);
      ctx.beginPath();
      ctx.moveTo(x, bbox.top);
      ctx.lineTo(x, bbox.top + bbox.height);
      ctx.stroke();
    }
    ctx.restore();
  }
}
