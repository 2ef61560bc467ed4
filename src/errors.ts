/**
 * Every error dlnsim throws on purpose is a DlnsimError with a message that says what went wrong
 * and how to fix it (TypeGPU style), so callers can tell our errors from WebGPU internals.
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
  constructor(readonly reason: string, detail: string) {
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
