/**
 * Colours shared by the plots, the 3D view and the element: one hue per network (run) and one per
 * singular-value index, chosen to stay distinct on the dark background and for common colour
 * vision deficiencies (Okabe–Ito order first, then lighter tints).
 */
const RUN_COLOURS = [
  '#56b4e9',
  '#e69f00',
  '#009e73',
  '#f0e442',
  '#cc79a7',
  '#d55e00',
  '#0072b2',
  '#a6e3a1',
  '#f5c2e7',
  '#fab387',
  '#94e2d5',
  '#b4befe',
];

/** σ_1 warm to σ_k cool, so the order of learning reads as a colour sweep. */
const SINGULAR_COLOURS = ['#ff7a59', '#ffb547', '#f5e663', '#7ee081', '#4fd1c5', '#5fa8ff', '#9d8cff', '#e27bff'];

export function runColour(index: number): string {
  return RUN_COLOURS[index % RUN_COLOURS.length]!;
}

export function singularColour(index: number): string {
  return SINGULAR_COLOURS[index % SINGULAR_COLOURS.length]!;
}

/** `#rrggbb` → [r, g, b] in 0..1, for GPU vertex colours. */
export function rgb(hex: string): [number, number, number] {
  const value = Number.parseInt(hex.slice(1), 16);
  return [((value >> 16) & 255) / 255, ((value >> 8) & 255) / 255, (value & 255) / 255];
}

/** `#rrggbb` with an alpha, for canvas strokes. */
export function withAlpha(hex: string, alpha: number): string {
  const [r, g, b] = rgb(hex).map((c) => Math.round(c * 255));
  return `rgba(${r}, ${g}, ${b}, ${alpha})`;
}
