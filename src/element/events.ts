/**
 * The events a <dln-sim> element dispatches (CustomEvents that bubble and cross shadow roots):
 *
 *   progress  ProgressInfo: step, totalSteps, fraction, networkStepsPerSecond, etaSeconds
 *   record    RecordDetail: one record of one batch, and the run ids its arrays follow
 *   done      StoppedInfo: training reached its steps (not sent on a pause)
 *   error     ErrorInfo: name, message, and for config errors the field and its fix
 */
import type { BatchRecord } from '../engine/records.js';
import type { ErrorInfo, LoadedInfo, ProgressInfo, StoppedInfo } from '../worker/protocol.js';

export interface RecordDetail {
  /** Ids of the networks whose values the record's arrays hold, in order. */
  runIds: number[];
  record: BatchRecord;
}

export interface DlnSimEventMap {
  /** The networks are built (after connecting, or after an attribute changed the config). */
  ready: CustomEvent<LoadedInfo>;
  progress: CustomEvent<ProgressInfo>;
  record: CustomEvent<RecordDetail>;
  done: CustomEvent<StoppedInfo>;
  error: CustomEvent<ErrorInfo>;
}

export type { ErrorInfo, LoadedInfo, ProgressInfo, StoppedInfo };
