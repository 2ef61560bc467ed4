/** Number formatting for readouts: short where space is tight, never hiding an exponent. */

/** 4 significant digits; exponent form outside [1e-3, 1e5). */
export function formatNumber(value: number, digits = 4): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-3 && magnitude < 1e5) return Number(value.toPrecision(digits)).toString();
  return value.toExponential(digits - 1).replace('e+', 'e');
}

/** Seconds as "42 s", "3 min 5 s", "1 h 2 min". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '—';
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** Large rates as 1.2k, 3.4M. */
export function formatRate(value: number): string {
  if (value >= 1e9) return `${(value / 1e9).toFixed(1)}G`;
  if (value >= 1e6) return `${(value / 1e6).toFixed(1)}M`;
  if (value >= 1e3) return `${(value / 1e3).toFixed(1)}k`;
  return value.toFixed(0);
}

/** A run's sweep overrides as "train.lr = 0.05, init.seed = 2"; "—" when it has none. */
export function formatOverrides(overrides: Record<string, unknown>): string {
  const parts = Object.entries(overrides).map(
    ([path, value]) => `${path} = ${typeof value === 'number' ? formatNumber(value) : JSON.stringify(value)}`,
  );
  return parts.length > 0 ? parts.join(', ') : '—';
}
