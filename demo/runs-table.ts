/**
 * The networks table: each run's sweep values and its latest step, loss, top singular values,
 * numerical rank and state. Cells carry the exact values in data-value (what tests and copy-paste
 * read); the text is rounded for reading. Clicking a row picks the network of the heatmaps.
 *
 * Thousands of networks stay one screen: the table shows a page of PAGE_SIZE rows, sorted by any
 * column (click its header; again to reverse) and filtered to one sweep point, and only the rows
 * on the page exist in the DOM, so a redraw costs the page, not the ensemble.
 */
import type { History, RunHistory } from '../src/view/history.js';
import { sweepPointGroups } from '../src/view/ensemble.js';
import { formatNumber, formatOverrides } from '../src/display/format.js';
import { runColour } from '../src/display/palette.js';

/** Singular values shown per network. */
const SHOWN_SINGULAR = 4;
export const PAGE_SIZE = 20;

type Column = {
  name: string;
  value: (run: RunHistory) => number | string | undefined;
  text?: (run: RunHistory) => string;
};

export class RunsTable {
  private drawnVersion = -1;
  private selected = -1;
  private sortBy = 'run';
  private descending = false;
  private page = 0;
  /** A sweep point's label, or '' for every network. */
  private filter = '';
  private readonly columns: Column[];
  private readonly colours = new Map<RunHistory, string>();
  private readonly pointOf = new Map<RunHistory, string>();
  private readonly pager: HTMLElement;
  private readonly pageLabel: HTMLElement;
  private readonly filterSelect: HTMLSelectElement;

  constructor(
    private readonly table: HTMLTableElement,
    private readonly history: History,
    private readonly picked: (runId: number) => void,
  ) {
    history.runs.forEach((run, i) => this.colours.set(run, runColour(i)));
    const groups = sweepPointGroups(history);
    for (const group of groups) for (const run of group.runs) this.pointOf.set(run, group.label);
    const rank = Math.max(
      0,
      ...history.runs.map((r) =>
        Math.min(r.run.config.widths[0]!, r.run.config.widths[r.run.config.widths.length - 1]!),
      ),
    );
    const latest = (run: RunHistory) => run.singularValues[run.singularValues.length - 1];
    this.columns = [
      { name: 'run', value: (run) => run.run.id },
      { name: 'sweep values', value: (run) => formatOverrides(run.run.overrides) },
      {
        name: 'step',
        value: (run) => run.steps[run.last],
        text: (run) => (run.last < 0 ? '—' : String(run.steps[run.last])),
      },
      { name: 'loss', value: (run) => run.losses[run.last] },
      ...Array.from({ length: Math.min(SHOWN_SINGULAR, rank) }, (_, k): Column => ({
        name: `σ${k + 1}`,
        value: (run) => latest(run)?.[k],
      })),
      { name: 'rank', value: (run) => run.ranks[run.ranks.length - 1] },
      { name: 'state', value: (run) => state(run) },
    ];

    // A new experiment replaces the last one's table and pager.
    table.tHead?.remove();
    table.parentElement!.parentElement!.querySelector('.table-pager')?.remove();
    const head = table.createTHead().insertRow();
    for (const column of this.columns) {
      const th = document.createElement('th');
      th.textContent = column.name;
      th.dataset.sort = column.name;
      th.tabIndex = 0;
      th.title = 'sort by this column';
      if (column.name === 'sweep values') th.className = 'overrides';
      const sort = () => this.sort(column.name);
      th.addEventListener('click', sort);
      th.addEventListener('keydown', (event) => event.key === 'Enter' && sort());
      head.append(th);
    }
    table.tBodies[0]?.remove();
    table.createTBody();

    this.pager = document.createElement('div');
    this.pager.className = 'table-pager';
    this.filterSelect = document.createElement('select');
    this.filterSelect.setAttribute('aria-label', 'show the networks of one sweep point');
    this.filterSelect.append(
      new Option(`all ${history.runs.length} networks`, ''),
      ...(groups.length > 1 ? groups.map((g) => new Option(`${g.label} (${g.runs.length})`, g.label)) : []),
    );
    this.filterSelect.hidden = groups.length < 2;
    this.filterSelect.onchange = () => this.show(this.filterSelect.value);
    const button = (text: string, label: string, step: number) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = text;
      b.setAttribute('aria-label', label);
      b.onclick = () => this.turn(step);
      return b;
    };
    this.pageLabel = document.createElement('span');
    this.pageLabel.className = 'page-label';
    this.pager.append(this.filterSelect, button('‹', 'previous page', -1), this.pageLabel, button('›', 'next page', 1));
    this.pager.hidden = history.runs.length <= PAGE_SIZE && groups.length < 2;
    table.parentElement!.before(this.pager);
  }

  /** Shows only the networks of one sweep point ('' for all). */
  show(point: string): void {
    this.filter = point;
    this.filterSelect.value = point;
    this.page = 0;
    this.redraw();
  }

  select(runId: number): void {
    this.selected = runId;
    for (const row of this.table.tBodies[0]!.rows) row.classList.toggle('selected', row.dataset.run === String(runId));
  }

  refresh(): void {
    if (this.drawnVersion === this.history.version) return;
    this.drawnVersion = this.history.version;
    this.redraw();
  }

  private sort(name: string): void {
    this.descending = this.sortBy === name ? !this.descending : false;
    this.sortBy = name;
    this.page = 0;
    this.redraw();
  }

  private turn(step: number): void {
    this.page += step;
    this.redraw();
  }

  private redraw(): void {
    const column = this.columns.find((c) => c.name === this.sortBy)!;
    const runs = this.history.runs.filter((run) => !this.filter || this.pointOf.get(run) === this.filter);
    const keyed = runs.map((run) => ({ run, key: column.value(run) }));
    keyed.sort((a, b) => compare(a.key, b.key) * (this.descending ? -1 : 1) || a.run.run.id - b.run.run.id);
    const pages = Math.max(1, Math.ceil(keyed.length / PAGE_SIZE));
    this.page = Math.min(Math.max(0, this.page), pages - 1);
    const shown = keyed.slice(this.page * PAGE_SIZE, (this.page + 1) * PAGE_SIZE);
    this.pageLabel.textContent = `${keyed.length === 0 ? 0 : this.page * PAGE_SIZE + 1}–${this.page * PAGE_SIZE + shown.length} of ${keyed.length}`;
    for (const th of this.table.tHead!.rows[0]!.cells)
      th.dataset.sorted = th.dataset.sort === this.sortBy ? (this.descending ? 'descending' : 'ascending') : '';
    this.table.tBodies[0]!.replaceChildren(...shown.map(({ run }) => this.row(run)));
    this.select(this.selected);
  }

  private row(run: RunHistory): HTMLTableRowElement {
    const row = document.createElement('tr');
    row.dataset.run = String(run.run.id);
    row.addEventListener('click', () => this.picked(run.run.id));
    for (const column of this.columns) {
      const cell = row.insertCell();
      const value = column.value(run);
      if (column.name === 'run') {
        const swatch = document.createElement('span');
        swatch.className = 'swatch';
        swatch.style.setProperty('--swatch', this.colours.get(run)!);
        cell.append(swatch, String(run.run.id));
      } else if (column.name === 'sweep values') {
        cell.className = 'overrides';
        cell.textContent = String(value);
      } else {
        cell.dataset.column = column.name;
        cell.dataset.value = value === undefined ? '' : String(value);
        cell.textContent =
          column.text?.(run) ?? (value === undefined ? '—' : typeof value === 'number' ? formatNumber(value) : value);
        if (column.name === 'state') cell.classList.toggle('diverged', run.frozen);
      }
    }
    return row;
  }
}

function state(run: RunHistory): string {
  const last = run.last;
  return run.frozen
    ? 'diverged (frozen)'
    : last < 0
      ? 'waiting'
      : run.steps[last]! >= run.run.config.train.steps
        ? 'done'
        : 'in progress';
}

/** Numbers before text, undefined (not recorded yet) last; NaN sorts with undefined. */
function compare(a: number | string | undefined, b: number | string | undefined): number {
  const rank = (v: number | string | undefined) =>
    v === undefined || (typeof v === 'number' && Number.isNaN(v)) ? 2 : typeof v === 'number' ? 0 : 1;
  if (rank(a) !== rank(b)) return rank(a) - rank(b);
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a.localeCompare(b);
  return 0;
}
