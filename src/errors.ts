/**
 * Every error dlnsim throws on purpose is a DlnsimError with a message that says what went wrong
 * and how to fix it (TypeGPU style), so callers can tell our errors from WebGPU internals. The one
 * exception: the exported math functions (analysis, Rng) throw the standard RangeError for an
 * argument outside their domain, as JavaScript's own functions do. Internal assertions go through
 * invariant() below, never a plain Error.
 */
export class DlnsimError extends Error {
  override name = 'DlnsimError';
}

/** A config field has a bad value. `field` is its dotted path, e.g. `train.lr`. */
export class ConfigError extends DlnsimError {
  override name = 'ConfigError';
  constructor(
    readonly field: string,
    readonly value: unknown,
    readonly fix: string,
  ) {
    super(`config field \`${field}\` = ${describe(value)}: ${fix}`);
  }
}

/** No WebGPU adapter could be obtained; the message names what to install or enable. */
export class NoAdapterError extends DlnsimError {
  override name = 'NoAdapterError';
}

/** The GPU device was lost (driver reset, tab backgrounded too long, destroy()). */
export class DeviceLostError extends DlnsimError {
  override name = 'DeviceLostError';
  constructor(
    readonly reason: string,
    detail: string,
  ) {
    super(`WebGPU device lost (${reason}): ${detail || 'no detail given'}. Create a new simulator to continue.`);
  }
}

/** A WebGPU validation or out-of-memory error caught from the device. */
export class GpuError extends DlnsimError {
  override name = 'GpuError';
}

/** A requested buffer or dispatch is larger than the device allows. */
export class DeviceLimitError extends DlnsimError {
  override name = 'DeviceLimitError';
}

/**
 * An internal assertion failed: a caller inside dlnsim broke a function's contract (shapes that
 * do not match, an option out of range). Never the user's input, which gets a ConfigError first.
 */
export class InvariantError extends DlnsimError {
  override name = 'InvariantError';
}

/**
 * The one helper for internal assertions (as TypeGPU's invariant): throws an InvariantError with
 * the message when `condition` is falsy. The message is a function so that building it costs
 * nothing on the hot path where the assertion holds.
 */
export function invariant(condition: unknown, message: () => string): asserts condition {
  if (!condition) throw new InvariantError(message());
}

/** The run was cancelled through its AbortSignal. */
export class AbortError extends DlnsimError {
  override name = 'AbortError';
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  try {
    const text = JSON.stringify(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
  } catch {
    return String(value);
  }
}
