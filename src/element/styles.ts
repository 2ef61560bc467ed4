/** The element's shadow-root styles: its own dark card, and uPlot's stylesheet (a shadow root sees no page CSS). */
import uplotCss from 'uplot/dist/uPlot.min.css?inline';
import { PLOT_CSS } from '../results/svg-plot.js';

export const ELEMENT_CSS = `
${uplotCss}
${PLOT_CSS}
.figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 300px), 1fr)); gap: 10px; padding: 8px 12px 0; }
.figures[hidden] { display: none; }
.figures figure.plot { margin: 0; height: auto; }
.figures svg { width: 100%; height: auto; display: block; }
.figures .legend { display: flex; flex-wrap: wrap; gap: 2px 10px; font-size: 11px; color: #8b95a7; }
.figures .legend i { display: inline-block; width: 12px; height: 3px; margin-right: 5px; vertical-align: middle; }
.figures .note { font-size: 11px; color: #8b95a7; }
:host {
  display: block;
  min-width: 280px;
  color: #dfe5ee;
  background: #121720;
  border: 1px solid #1e2632;
  border-radius: 10px;
  font: 13px/1.4 'Inter', 'Segoe UI', system-ui, -apple-system, sans-serif;
  font-feature-settings: 'tnum' 1;
  overflow: hidden;
}
:host([hidden]) { display: none; }
header, footer { display: flex; align-items: center; gap: 10px; padding: 8px 12px; }
header { border-bottom: 1px solid #1e2632; }
.title { font-weight: 600; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.state { margin-left: auto; font-size: 10px; letter-spacing: 0.1em; text-transform: uppercase; color: #5fa8ff; }
.state[data-state='done'] { color: #7ee081; }
.state[data-state='error'] { color: #ff6b6b; }
button {
  padding: 4px 12px; border-radius: 6px; border: 1px solid #2a3442; background: #161c26; color: #dfe5ee;
  font: 600 12px inherit; font-family: inherit; cursor: pointer;
}
button:hover:not(:disabled) { background: #1d2531; }
button:disabled { opacity: 0.45; cursor: default; }
.plots { display: grid; grid-template-columns: 1fr 1fr; gap: 8px; padding: 8px 8px 0; }
.plot { height: var(--dln-sim-plot-height, 200px); min-width: 0; }
.plot-title { font-size: 11px; color: #8b95a7; padding-left: 6px; }
footer { color: #8b95a7; font-size: 12px; flex-wrap: wrap; }
footer b { color: #dfe5ee; font-weight: 600; }
.progress { height: 3px; background: #1b2230; }
.progress div { height: 100%; width: 0; background: linear-gradient(90deg, #ff7a59, #ffb547 40%, #5fa8ff); }
.message { padding: 10px 12px; color: #ff6b6b; white-space: pre-wrap; }
.message[hidden] { display: none; }
.software { color: #ffb547; }
`;
