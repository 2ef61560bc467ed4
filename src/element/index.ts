/**
 * The <dln-sim> custom element's entry point: importing it registers the element.
 *
 *   import 'dlnsim/element';
 *   <dln-sim preset="saddle-to-saddle" autoplay></dln-sim>
 */
import { DlnSimElement } from './dln-sim.js';

if (!customElements.get('dln-sim')) customElements.define('dln-sim', DlnSimElement);

declare global {
  interface HTMLElementTagNameMap {
    'dln-sim': DlnSimElement;
  }
}

export { DlnSimElement, type DlnSimState } from './dln-sim.js';
export { CONFIG_ATTRIBUTES, configFromAttributes } from './attributes.js';
export type { DlnSimEventMap, ErrorInfo, LoadedInfo, ProgressInfo, RecordDetail, StoppedInfo } from './events.js';
