/**
 * The networks table: each run's sweep values and its latest step, loss, top singular values,
 * numerical rank and state. Cells carry the exact values in data-value (what tests and copy-paste
 * read); the text is rounded for reading. Clicking a row picks the network of the heatmaps.
 */
import type { History } from '../src/view/history.js';
import { formatNumber, formatOverrides } from '../src/view/format.js';
import { runColour } from '../src/view/palette.js';

/** Singular values shown per network. */
const SHOWN_SINGULAR = 4;

export class RunsTable {
  private drawnVersion = -1;
  private selected = -1;

  constructor(
    private readonly table: HTMLTableElement,
    private readonly history: History,
    private readonly picked: (runId: number) => void,
  ) {
    const rank = Math.max(0, ...history.runs.map((r) => Math.min(r.run.config.widths[0]!, r.run.config.widths[r.run.config.widths.length - 1]!)));
    const head = table.createTHead().insertRow();
    const columns = ['run', 'sweep values', 'step', 'loss', ...Array.from({ length: Math.min(SHOWN_SINGULAR, rank) }, (_, i) => `σ${i + 1}`), 'rank', 'state'];
    for (const name of columns) {
      const th = document.createElement('th');
      th.textContent = name;
      if (name === 'sweep values') th.className = 'overrides';
      head.append(th);
    }
    table.tBodies[0]?.remove();
    const body = table.createTBody();
    for (const [i, run] of history.runs.entries()) {
      const row = body.insertRow();
      row.dataset.run = String(run.run.id);
      row.addEventListener('click', () => this.picked(run.run.id));
      const id = row.insertCell();
      const swatch = document.createElement('span');
      swatch.className = 'swatch';
      swatch.style.setProperty('--swatch', runColour(i));
      id.append(swatch, String(run.run.id));
      const overrides = row.insertCell();
      overrides.className = 'overrides';
      overrides.textContent = formatOverrides(run.run.overrides);
      for (let c = 2; c < columns.length; c++) row.insertCell().dataset.column = columns[c]!;
    }
  }

  select(runId: number): void {
    this.selected = runId;
    for (const row of this.table.tBodies[0]!.rows) row.classList.toggle('selected', row.dataset.run === String(runId));
  }

  refresh(): void {
    if (this.drawnVersion === this.history.version) return;
    this.drawnVersion = this.history.version;
    const rows = this.table.tBodies[0]!.rows;
    this.history.runs.forEach((run, i) => {
      const row = rows[i]!;
      const last = run.last;
      const cell = (column: string) => row.querySelector<HTMLTableCellElement>(`[data-column="${column}"]`)!;
      const put = (column: string, value: number | undefined, text?: string) => {
        const target = cell(column);
        target.dataset.value = value === undefined ? '' : String(value);
        target.textContent = text ?? (value === undefined ? '—' : formatNumber(value));
      };
      put('step', run.steps[last], last < 0 ? '—' : String(run.steps[last]));
      put('loss', run.losses[last]);
      const values = run.singularValues[run.singularValues.length - 1];
      for (let k = 0; k < SHOWN_SINGULAR; k++) if (row.querySelector(`[data-column="σ${k + 1}"]`)) put(`σ${k + 1}`, values?.[k]);
      put('rank', run.ranks[run.ranks.length - 1]);
      const state = cell('state');
      state.textContent = run.frozen ? 'diverged (frozen)' : last < 0 ? 'waiting' : run.steps[last]! >= run.run.config.train.steps ? 'done' : 'in progress';
      state.classList.toggle('diverged', run.frozen);
    });
    this.select(this.selected);
  }
}
