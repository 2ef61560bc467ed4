/**
 * An orbit camera for the 3D view: drag to orbit around the centre of the σ box, wheel (or pinch)
 * to zoom, double-click to reset. z (σ₃) is up. Projection and view matrices come from wgpu-matrix,
 * which uses WebGPU's clip-space depth range [0, 1].
 */
import { mat4, vec3, type Mat4 } from 'wgpu-matrix';

const HOME = { azimuth: -1.15, elevation: 0.36, distance: 2.75 };
const CENTRE = [0.5, 0.45, 0.42];

export class OrbitCamera {
  azimuth = HOME.azimuth;
  elevation = HOME.elevation;
  distance = HOME.distance;

  viewProjection(aspect: number): Mat4 {
    const eye = [
      CENTRE[0]! + this.distance * Math.cos(this.elevation) * Math.cos(this.azimuth),
      CENTRE[1]! + this.distance * Math.cos(this.elevation) * Math.sin(this.azimuth),
      CENTRE[2]! + this.distance * Math.sin(this.elevation),
    ];
    const projection = mat4.perspective(Math.PI / 5, aspect, 0.05, 50);
    const view = mat4.lookAt(eye, CENTRE, [0, 0, 1]);
    return mat4.multiply(projection, view);
  }

  /** Where a world point lands on the canvas, in CSS pixels (null behind the camera). */
  project(point: readonly number[], viewProjection: Mat4, width: number, height: number): [number, number] | null {
    const clip = vec3.transformMat4(point, viewProjection);
    if (!Number.isFinite(clip[0]!) || clip[2]! < 0 || clip[2]! > 1) return null;
    return [((clip[0]! + 1) / 2) * width, ((1 - clip[1]!) / 2) * height];
  }

  /** Mouse and touch control on `element`; `changed` runs after every move. Returns a detach function. */
  attach(element: HTMLElement, changed: () => void): () => void {
    let last: { x: number; y: number } | null = null;
    const down = (event: PointerEvent) => {
      last = { x: event.clientX, y: event.clientY };
      element.setPointerCapture(event.pointerId);
    };
    const move = (event: PointerEvent) => {
      if (!last) return;
      this.azimuth -= (event.clientX - last.x) * 0.008;
      this.elevation = Math.max(-1.5, Math.min(1.5, this.elevation + (event.clientY - last.y) * 0.008));
      last = { x: event.clientX, y: event.clientY };
      changed();
    };
    const up = () => (last = null);
    const wheel = (event: WheelEvent) => {
      event.preventDefault();
      this.distance = Math.max(0.6, Math.min(12, this.distance * Math.exp(event.deltaY * 0.0015)));
      changed();
    };
    const reset = () => {
      Object.assign(this, HOME);
      changed();
    };
    element.addEventListener('pointerdown', down);
    element.addEventListener('pointermove', move);
    element.addEventListener('pointerup', up);
    element.addEventListener('pointercancel', up);
    element.addEventListener('wheel', wheel, { passive: false });
    element.addEventListener('dblclick', reset);
    return () => {
      element.removeEventListener('pointerdown', down);
      element.removeEventListener('pointermove', move);
      element.removeEventListener('pointerup', up);
      element.removeEventListener('pointercancel', up);
      element.removeEventListener('wheel', wheel);
      element.removeEventListener('dblclick', reset);
    };
  }
}
