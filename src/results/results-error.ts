import { DlnsimError } from '../errors.js';

/** A results directory that cannot be read or merged: a missing or malformed file, or shards that do not belong together. */
export class ResultsError extends DlnsimError {
  override name = 'ResultsError';
}
