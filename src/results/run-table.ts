/**
 * The run table: one row per run with the fields of summary.json's runs, as columns (runs.parquet
 * beyond the Parquet threshold). The columns are one list of definitions, each with how to read
 * it from a SummaryRun and how to put it back, so a new per-run field is one line here. Swept
 * values get a column each, named by their config path; singular values are sv1…svR and preset
 * measurements metric.NAME. Non-finite numbers are nulls, as in summary.json.
 */
import type { UnresolvedSaddle } from '../analysis/index.js';
import type { PlateauSummary } from '../experiment/types.js';
import type { ParquetType, TableColumn } from './parquet-table.js';
import type { SummaryRun } from './summary.js';

export interface RunColumn extends TableColumn {
  get: (run: SummaryRun) => unknown;
  set: (run: SummaryRun, value: unknown) => void;
}

const int = (value: unknown) => (value === null || value === undefined ? null : Number(value));
const num = (value: unknown) => (value === null || value === undefined ? null : Number(value));

/** The fields every run has, in the order of summary.json. */
export const RUN_FIELD_COLUMNS: readonly RunColumn[] = [
  { name: 'run', type: 'INT32', nullable: false, get: (r) => r.id, set: (r, v) => void (r.id = int(v)!) },
  {
    name: 'finalStep',
    type: 'INT32',
    nullable: false,
    get: (r) => r.finalStep,
    set: (r, v) => void (r.finalStep = int(v)!),
  },
  {
    name: 'finalLoss',
    type: 'DOUBLE',
    nullable: true,
    get: (r) => r.finalLoss,
    set: (r, v) => void (r.finalLoss = num(v)),
  },
  {
    name: 'divergedStep',
    type: 'INT32',
    nullable: true,
    get: (r) => (r.diverged ? r.diverged.step : null),
    set: (r, v) => v !== null && void (r.diverged = { step: int(v)!, reason: r.diverged ? r.diverged.reason : '' }),
  },
  {
    name: 'divergedReason',
    type: 'STRING',
    nullable: true,
    get: (r) => (r.diverged ? r.diverged.reason : null),
    set: (r, v) => v !== null && void (r.diverged = { step: r.diverged ? r.diverged.step : 0, reason: String(v) }),
  },
  { name: 'rank', type: 'INT32', nullable: true, get: (r) => r.rank, set: (r, v) => void (r.rank = int(v)) },
  {
    name: 'effectiveRank',
    type: 'DOUBLE',
    nullable: true,
    get: (r) => r.effectiveRank,
    set: (r, v) => void (r.effectiveRank = num(v)),
  },
  {
    name: 'plateaus',
    type: 'STRING',
    nullable: false,
    get: (r) => JSON.stringify(r.plateaus),
    set: (r, v) => void (r.plateaus = JSON.parse(String(v)) as PlateauSummary[]),
  },
  {
    name: 'unresolvedSaddles',
    type: 'STRING',
    nullable: false,
    get: (r) => JSON.stringify(r.unresolvedSaddles),
    set: (r, v) => void (r.unresolvedSaddles = JSON.parse(String(v)) as UnresolvedSaddle[]),
  },
  {
    name: 'halfTimes',
    type: 'STRING',
    nullable: false,
    get: (r) => JSON.stringify(r.halfTimes),
    set: (r, v) => void (r.halfTimes = JSON.parse(String(v)) as (number | null)[]),
  },
  {
    name: 'flowThreshold',
    type: 'DOUBLE',
    nullable: true,
    get: (r) => r.flowThreshold,
    set: (r, v) => void (r.flowThreshold = num(v)),
  },
  {
    name: 'logVolume',
    type: 'DOUBLE',
    nullable: true,
    get: (r) => r.logVolume,
    set: (r, v) => void (r.logVolume = num(v)),
  },
  {
    name: 'objective',
    type: 'DOUBLE',
    nullable: true,
    get: (r) => r.objective,
    set: (r, v) => void (r.objective = num(v)),
  },
  {
    name: 'weightNormSq',
    type: 'DOUBLE',
    nullable: true,
    get: (r) => r.weightNormSq,
    set: (r, v) => void (r.weightNormSq = num(v)),
  },
  {
    name: 'testError',
    type: 'DOUBLE',
    nullable: true,
    get: (r) => r.testError,
    set: (r, v) => void (r.testError = num(v)),
  },
  {
    name: 'lazyDeviation',
    type: 'DOUBLE',
    nullable: true,
    get: (r) => r.lazyDeviation,
    set: (r, v) => void (r.lazyDeviation = num(v)),
  },
  {
    name: 'unobservedChange',
    type: 'DOUBLE',
    nullable: true,
    get: (r) => r.unobservedChange,
    set: (r, v) => void (r.unobservedChange = num(v)),
  },
  {
    name: 'escapeAlignment',
    type: 'DOUBLE',
    nullable: true,
    get: (r) => r.escapeAlignment,
    set: (r, v) => void (r.escapeAlignment = num(v)),
  },
  {
    name: 'minimum',
    type: 'STRING',
    nullable: true,
    get: (r) => r.minimum,
    set: (r, v) => void (r.minimum = v === null ? null : (String(v) as SummaryRun['minimum'])),
  },
];

const SV = /^sv(\d+)$/;
const METRIC = 'metric.';

function singularValueColumn(j: number): RunColumn {
  return {
    name: `sv${j + 1}`,
    type: 'DOUBLE',
    nullable: true,
    get: (r) => (j < r.singularValues.length ? r.singularValues[j] : null),
    // Cells past a run's own rank are empty; a recorded but non-finite value is null too (read back as NaN).
    set: (r, v) => v !== null && void (r.singularValues[j] = num(v)),
  };
}

/** A run without the metric has null; one whose measurement was not finite (null in summary.json) has NaN. */
function metricColumn(key: string): RunColumn {
  return {
    name: `${METRIC}${key}`,
    type: 'DOUBLE',
    nullable: true,
    get: (r) => (key in r.metrics ? (r.metrics[key] ?? NaN) : null),
    set: (r, v) => v !== null && void (r.metrics[key] = Number.isFinite(Number(v)) ? Number(v) : null),
  };
}

/** A swept value: a number column when every run's value is a number, else the values' JSON text. */
function overrideColumn(key: string, type: ParquetType): RunColumn {
  return {
    name: key,
    type,
    nullable: true,
    get: (r) => (key in r.overrides ? (type === 'STRING' ? JSON.stringify(r.overrides[key]) : r.overrides[key]) : null),
    set: (r, v) => v !== null && void (r.overrides[key] = type === 'STRING' ? JSON.parse(String(v)) : Number(v)),
  };
}

/** What a run's columns depend on: its swept values, its metrics' names and how many singular values it has. */
export type RunShape = Pick<SummaryRun, 'overrides' | 'metrics'> & { singularValues: { length: number } };

/** The columns of a run table holding `runs`: the fields, then the swept values, singular values and metrics they have. */
export function runColumns(runs: Iterable<RunShape>): RunColumn[] {
  const overrides = new Map<string, ParquetType>();
  const metrics = new Set<string>();
  let singularValues = 0;
  for (const run of runs) {
    for (const [key, value] of Object.entries(run.overrides))
      if (overrides.get(key) !== 'STRING') overrides.set(key, typeof value === 'number' ? 'DOUBLE' : 'STRING');
    for (const key of Object.keys(run.metrics)) metrics.add(key);
    singularValues = Math.max(singularValues, run.singularValues.length);
  }
  return [
    ...RUN_FIELD_COLUMNS,
    ...[...overrides].map(([key, type]) => overrideColumn(key, type)),
    ...Array.from({ length: singularValues }, (_, j) => singularValueColumn(j)),
    ...[...metrics].map(metricColumn),
  ];
}

/** The definitions for a run table's columns as read back from a file. */
export function columnsOfTable(columns: TableColumn[]): RunColumn[] {
  return columns.map((column) => {
    const field = RUN_FIELD_COLUMNS.find((c) => c.name === column.name);
    if (field) return field;
    const sv = SV.exec(column.name);
    if (sv) return singularValueColumn(Number(sv[1]) - 1);
    if (column.name.startsWith(METRIC)) return metricColumn(column.name.slice(METRIC.length));
    return overrideColumn(column.name, column.type);
  });
}

/** A run with nothing set, for columnsOfTable's setters to fill. */
export function emptySummaryRun(): SummaryRun {
  return {
    id: -1,
    overrides: {},
    finalStep: 0,
    finalLoss: null,
    diverged: false,
    singularValues: [],
    rank: null,
    effectiveRank: null,
    plateaus: [],
    unresolvedSaddles: [],
    halfTimes: [],
    metrics: {},
    flowThreshold: null,
    logVolume: null,
    objective: null,
    weightNormSq: null,
    testError: null,
    minimum: null,
    lazyDeviation: null,
    unobservedChange: null,
    escapeAlignment: null,
  };
}

/** Column arrays of `runs`, one per column. */
export function runTableGroup(columns: RunColumn[], runs: SummaryRun[]): unknown[][] {
  return columns.map((column) => runs.map((run) => column.get(run) ?? null));
}
