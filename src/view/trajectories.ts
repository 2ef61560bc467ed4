/**
 * The 3D view: every network's trajectory of its top three singular values (σ₁, σ₂, σ₃; the plane
 * (σ₁, σ₂) for networks with two), drawn by
 * a WebGPU render pipeline on the page's own device (the worker's device computes; this one only
 * draws). Coordinates are σ divided by the larger of the target's σ₁ and the largest σ₁ seen, so
 * the unit box holds everything. With a small initialisation, saddle-to-saddle learning is a walk
 * from the origin along the σ₁ axis to (s₁, 0, 0), across to (s₁, s₂, 0), then up to (s₁, s₂, s₃):
 * those corners (the saddles) are marked, joined by a faint guide path.
 */
import { OrbitCamera } from './orbit-camera.js';
import type { History } from './history.js';
import { rgb, runColour, singularColour } from '../display/palette.js';
import { type Presenter, ReadbackPresenter, choosePresenter } from './presenters.js';

/** Segments drawn per network at most; longer traces are thinned evenly (the last point kept). */
const MAX_POINTS = 1500;

type Point = [number, number, number];

export class TrajectoryView {
  private readonly camera = new OrbitCamera();
  private readonly detachCamera: () => void;
  private readonly resize: ResizeObserver;
  private history: History | null = null;
  private target: number[] = [];
  private builtVersion = -1;
  private segments: Float32Array<ArrayBuffer> = new Float32Array(0);
  private frameRequest = 0;
  private labels: { element: HTMLElement; point: Point }[] = [];
  private unit = 1;
  private destroyed = false;

  private constructor(
    private presenter: Presenter,
    private readonly host: HTMLElement,
    private readonly overlay: HTMLElement,
  ) {
    this.detachCamera = this.camera.attach(host, () => this.requestDraw());
    this.resize = new ResizeObserver(() => this.requestDraw());
    this.resize.observe(host);
    this.watch(presenter);
  }

  /** A view drawing into a canvas it adds to `host`; `overlay` holds the axis labels. */
  static async create(host: HTMLElement, overlay: HTMLElement): Promise<TrajectoryView> {
    return new TrajectoryView(await choosePresenter(addCanvas(host)), host, overlay);
  }

  /** Shows `history`; `target` holds the target's singular values (for the box and the corners). */
  show(history: History, target: number[]): void {
    this.history = history;
    this.target = target;
    this.builtVersion = -1;
    this.requestDraw();
  }

  /** Redraws when the history changed. */
  refresh(): void {
    if (this.history && this.history.version !== this.builtVersion) this.requestDraw();
  }

  destroy(): void {
    this.destroyed = true;
    cancelAnimationFrame(this.frameRequest);
    this.detachCamera();
    this.resize.disconnect();
    this.presenter.destroy();
  }

  /**
   * A lost render device is replaced by a new one, presenting through readback from then on: a
   * loss while presenting to a WebGPU canvas may well be the browser failing to present it.
   */
  private watch(presenter: Presenter): void {
    void presenter.renderer.gpu.lost.then(async () => {
      if (this.destroyed || presenter !== this.presenter) return;
      presenter.canvas.remove();
      presenter.destroy();
      this.presenter = await ReadbackPresenter.create(addCanvas(this.host));
      this.presenter.renderer.upload(this.segments);
      this.watch(this.presenter);
      this.requestDraw();
    });
  }

  private requestDraw(): void {
    if (this.frameRequest) return;
    this.frameRequest = requestAnimationFrame(() => {
      this.frameRequest = 0;
      this.draw();
    });
  }

  private draw(): void {
    if (this.history && this.history.version !== this.builtVersion) {
      this.builtVersion = this.history.version;
      this.segments = new Float32Array(this.buildSegments(this.history));
      this.presenter.renderer.upload(this.segments);
    }
    const ratio = devicePixelRatio || 1;
    const width = Math.max(1, Math.round(this.host.clientWidth * ratio));
    const height = Math.max(1, Math.round(this.host.clientHeight * ratio));
    const viewProjection = this.camera.viewProjection(width / height);
    this.presenter.frame(viewProjection, width, height);
    this.placeLabels(viewProjection);
  }

  private buildSegments(history: History): number[] {
    const out: number[] = [];
    const push = (a: Point, b: Point, colour: string, alpha: number, width: number) => {
      out.push(...a, ...b, ...rgb(colour), alpha, width, 0);
    };
    const ratio = devicePixelRatio || 1;
    let largest = this.target[0] ?? 0;
    for (const run of history.runs)
      for (const values of run.singularValues)
        largest = Math.max(largest, Number.isFinite(values[0]!) ? values[0]! : 0);
    this.unit = largest > 0 ? largest : 1;
    const u = this.unit;

    // The unit box (a square when there are only two singular values) and the axes.
    const dims = viewDimensions(history);
    const bits = [1, 2, 4].slice(0, dims);
    const count = 1 << dims;
    const corners: Point[] = [];
    for (let i = 0; i < count; i++) corners.push([i & 1, (i >> 1) & 1, (i >> 2) & 1]);
    for (let i = 0; i < count; i++) {
      for (const bit of bits) if (!(i & bit)) push(corners[i]!, corners[i | bit]!, '#ffffff', 0.07, 1 * ratio);
    }
    const axes = (
      [
        [1.12, 0, 0],
        [0, 1.12, 0],
        [0, 0, 1.12],
      ] as Point[]
    ).slice(0, dims);
    axes.forEach((end, k) => push([0, 0, 0], end, singularColour(k), 0.85, 2 * ratio));

    // The saddles of the target: 0 → (s₁,0,0) → (s₁,s₂,0) → (s₁,s₂,s₃).
    const s = [0, 1, 2].map((k) => (k < dims ? (this.target[k] ?? 0) / u : 0));
    const saddles = (
      [
        [0, 0, 0],
        [s[0]!, 0, 0],
        [s[0]!, s[1]!, 0],
        [s[0]!, s[1]!, s[2]!],
      ] as Point[]
    ).slice(0, dims + 1);
    for (let k = 0; k + 1 < saddles.length; k++) push(saddles[k]!, saddles[k + 1]!, '#ffffff', 0.18, 1.5 * ratio);
    for (const corner of saddles) push(corner, corner, '#ffffff', 0.55, 7 * ratio);

    // Trajectories, faint at the start and solid at the end, each with a dot where it is now.
    history.runs.forEach((run, r) => {
      const values = run.singularValues;
      if (values.length === 0) return;
      const stride = Math.max(1, Math.ceil(values.length / MAX_POINTS));
      const picked: Point[] = [];
      for (let i = 0; i < values.length; i += stride) picked.push(toPoint(values[i]!, u));
      if ((values.length - 1) % stride !== 0) picked.push(toPoint(values[values.length - 1]!, u));
      const colour = runColour(r);
      for (let i = 1; i < picked.length; i++)
        push(picked[i - 1]!, picked[i]!, colour, 0.3 + (0.7 * i) / picked.length, 2.2 * ratio);
      const head = picked[picked.length - 1]!;
      push(head, head, colour, 1, 9 * ratio);
    });

    this.labels.forEach((l) => l.element.remove());
    this.labels = [];
    const label = (text: string, point: Point, colour: string) => {
      const element = document.createElement('span');
      element.className = 'axis-label';
      element.textContent = text;
      element.style.color = colour;
      this.overlay.append(element);
      this.labels.push({ element, point });
    };
    axes.forEach((axisEnd, k) =>
      label(['σ₁', 'σ₂', 'σ₃'][k]!, axisEnd.map((v) => v * 1.06) as Point, singularColour(k)),
    );
    this.host.dataset.axes = String(dims);
    // Above its corner, so the label does not hide where the trajectories arrive.
    const end = saddles[Math.min(dims, this.target.length)]!;
    if (this.target.length > 0)
      label(`target (box edge = ${Number(u.toPrecision(3))})`, [end[0], end[1], end[2] + 0.12], '#c8d0dc');
    return out;
  }

  private placeLabels(viewProjection: Float32Array): void {
    const width = this.host.clientWidth;
    const height = this.host.clientHeight;
    for (const { element, point } of this.labels) {
      const at = this.camera.project(point, viewProjection, width, height);
      element.hidden = at === null;
      if (at) element.style.transform = `translate(${at[0]}px, ${at[1]}px) translate(-50%, -50%)`;
    }
  }
}

/** Axes the view draws: the networks' number of singular values, min(n_0, n_N), at most 3 (at least 1). */
export function viewDimensions(history: History): number {
  const values = history.runs.map((run) =>
    Math.min(run.run.config.widths[0]!, run.run.config.widths[run.run.config.widths.length - 1]!),
  );
  return Math.max(1, Math.min(3, Math.max(...values)));
}

function addCanvas(host: HTMLElement): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  host.prepend(canvas);
  return canvas;
}

/** Values past the view's dimensions are 0 in the data already (a 2×2 network has no σ₃). */
function toPoint(values: Float64Array, unit: number): Point {
  return [(values[0] ?? 0) / unit, (values[1] ?? 0) / unit, (values[2] ?? 0) / unit];
}
