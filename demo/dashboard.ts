/**
 * Everything drawn for one loaded experiment: the time plots, the legends, the 3D trajectories,
 * the heatmaps, the sweep view and the networks table, all fed by one History. Redraws at most
 * about ten times a second, whatever the rate of records, so a fast GPU does not starve the page.
 */
import type { BatchRecord } from '../src/engine/records.js';
import { History } from '../src/view/history.js';
import { TimePlot } from '../src/view/time-plots.js';
import { SweepPlot, sweptPaths } from '../src/view/sweep-plot.js';
import { saddleGuides, singularValueGuides, targetSpectrum } from '../src/view/references.js';
import { runColour, singularColour } from '../src/display/palette.js';
import { type TrajectoryView, viewDimensions } from '../src/view/trajectories.js';
import type { LoadedInfo } from '../src/worker/protocol.js';
import { RunsTable } from './runs-table.js';
import { HeatmapPanel } from './heatmaps.js';

export interface ViewChoice {
  showRun?: number;
  sweepX?: string;
}

const REDRAW_MS = 100;

export class Dashboard {
  readonly history: History;
  private readonly plots: TimePlot[];
  private readonly table: RunsTable;
  private readonly heatmaps: HeatmapPanel;
  private sweepPlots: SweepPlot[] = [];
  private timer = 0;
  private lastDraw = 0;
  private showRun: number;

  constructor(
    info: LoadedInfo,
    private readonly view3d: TrajectoryView | null,
    view: ViewChoice,
    private readonly viewChanged: (view: ViewChoice) => void,
  ) {
    this.history = new History(info);
    const first = info.runs[0]!.config;
    const spectrum = targetSpectrum(info.batches[0]!.targets[0]!);
    const plot = (name: string) => {
      const element = document.querySelector<HTMLElement>(`[data-plot="${name}"]`)!;
      element.replaceChildren();
      return element;
    };
    this.plots = [
      new TimePlot(plot('loss'), this.history, 'loss', saddleGuides(first, spectrum)),
      new TimePlot(plot('singular'), this.history, 'singular', singularValueGuides(spectrum)),
      new TimePlot(plot('rank'), this.history, 'rank'),
    ];
    document.getElementById('rank-tolerance')!.textContent = `#{σᵢ > ${first.record.rankTolerance}·σ₁}`;
    this.view3d?.show(this.history, spectrum);
    const axes = Array.from({ length: viewDimensions(this.history) }, (_, k) => `σ<sub>${k + 1}</sub>`).join(', ');
    document.getElementById('trajectories-title')!.innerHTML = `Trajectories of (${axes})`;

    this.showRun = info.runs.some((r) => r.id === view.showRun) ? view.showRun! : info.runs[0]!.id;
    this.table = new RunsTable(document.querySelector('#runs')!, this.history, (id) => this.pick(id));
    this.table.select(this.showRun);
    this.legends(Math.min(first.widths[0]!, first.widths[first.widths.length - 1]!));
    this.heatmaps = new HeatmapPanel(
      this.history,
      document.querySelector('#heatmap-target')!,
      document.querySelector('#heatmap-learned')!,
    );
    this.sweepView(view.sweepX);
    this.draw();
  }

  add(batch: number, record: BatchRecord): void {
    this.history.add(batch, record);
    this.schedule();
  }

  /** Draws now (after the last record of a run, so the final state is on screen). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = 0;
    this.draw();
  }

  destroy(): void {
    clearTimeout(this.timer);
    this.plots.forEach((p) => p.destroy());
    this.sweepPlots.forEach((p) => p.destroy());
  }

  private schedule(): void {
    if (this.timer) return;
    const wait = Math.max(0, REDRAW_MS - (performance.now() - this.lastDraw));
    this.timer = window.setTimeout(() => {
      this.timer = 0;
      requestAnimationFrame(() => this.draw());
    }, wait);
  }

  private draw(): void {
    this.lastDraw = performance.now();
    for (const p of this.plots) {
      p.refresh();
      p.plot.root.parentElement!.dataset.points = String(p.plot.data[0].length);
      if (p.kind === 'loss') p.plot.root.parentElement!.dataset.plateaus = String(p.markedPlateaus);
    }
    for (const p of this.sweepPlots) {
      p.refresh();
      p.plot.root.parentElement!.dataset.points = String(p.drawnPoints);
    }
    this.view3d?.refresh();
    this.table.refresh();
    this.heatmaps.refresh(this.showRun);
    document.body.dataset.recordedStep = String(this.history.steps[this.history.steps.length - 1] ?? -1);
  }

  private pick(runId: number): void {
    this.showRun = runId;
    this.table.select(runId);
    this.heatmaps.refresh(runId);
    this.viewChanged({ showRun: runId, sweepX: this.sweepPlots[0]?.path });
  }

  private sweepView(choice: string | undefined): void {
    const panel = document.getElementById('panel-sweep')!;
    const select = document.querySelector<HTMLSelectElement>('#sweep-x')!;
    const paths = sweptPaths(this.history);
    panel.hidden = paths.length === 0;
    if (paths.length === 0) return;
    select.replaceChildren(...paths.map((p) => new Option(p, p)));
    const path = choice && paths.includes(choice) ? choice : paths[0]!;
    select.value = path;
    select.onchange = () => {
      this.buildSweep(select.value);
      this.viewChanged({ showRun: this.showRun, sweepX: select.value });
    };
    this.buildSweep(path);
  }

  private buildSweep(path: string): void {
    this.sweepPlots.forEach((p) => p.destroy());
    const host = (name: string) => {
      const element = document.querySelector<HTMLElement>(`[data-plot="${name}"]`)!;
      element.replaceChildren();
      return element;
    };
    this.sweepPlots = [
      new SweepPlot(host('sweep-loss'), this.history, path, 'loss'),
      new SweepPlot(host('sweep-rank'), this.history, path, 'rank'),
    ];
    this.sweepPlots.forEach((p) => p.refresh());
  }

  /** `rank`: singular values per network, min(n_0, n_N). */
  private legends(rank: number): void {
    const swatch = (text: string, colour: string) => {
      const span = document.createElement('span');
      span.textContent = text;
      span.style.setProperty('--swatch', colour);
      return span;
    };
    const runs = document.querySelector<HTMLElement>('[data-legend="runs"]')!;
    const groups = this.plots[0]!.groups;
    if (groups.length > 0) {
      // An ensemble: one entry per sweep point (its median line and 10–90% band); clicking one lists its networks.
      runs.replaceChildren(
        ...groups.map((g) => {
          const entry = swatch(`${g.label} · ${g.runs.length} networks`, g.colour);
          entry.dataset.point = g.label;
          entry.tabIndex = 0;
          entry.title = 'median and 10–90% band; click to list these networks';
          const show = () => this.table.show(g.label);
          entry.addEventListener('click', show);
          entry.addEventListener('keydown', (event) => event.key === 'Enter' && show());
          return entry;
        }),
        swatch(
          `median, 10–90% band per sweep point; faint: ${Math.min(12, groups.length * 2)} sample networks`,
          'transparent',
        ),
      );
    } else {
      const shown = this.history.runs.slice(0, 12);
      runs.replaceChildren(...shown.map((r, i) => swatch(`network ${r.run.id}`, runColour(i))));
      if (this.history.runs.length > shown.length)
        runs.append(swatch(`… ${this.history.runs.length - shown.length} more`, 'transparent'));
    }
    const singular = document.querySelector<HTMLElement>('[data-legend="singular"]')!;
    singular.replaceChildren(
      ...Array.from({ length: Math.min(8, Math.max(rank, 1)) }, (_, i) => swatch(`σ${i + 1}`, singularColour(i))),
    );
  }
}
