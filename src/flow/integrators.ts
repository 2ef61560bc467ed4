/**
 * One step of size h of an autonomous ODE dW/dt = f(W) on matrices: explicit Euler (first order,
 * the analogue of a gradient-descent step) and classical fourth-order Runge–Kutta.
 */
import { type Matrix, combine } from '../linalg/matrix.js';

export type Velocity = (w: Matrix) => Matrix;

export function eulerStep(f: Velocity, w: Matrix, h: number): Matrix {
  return combine(1, w, h, f(w));
}

export function rk4Step(f: Velocity, w: Matrix, h: number): Matrix {
  const k1 = f(w);
  const k2 = f(combine(1, w, h / 2, k1));
  const k3 = f(combine(1, w, h / 2, k2));
  const k4 = f(combine(1, w, h, k3));
  const slope = combine(1, combine(1, k1, 2, k2), 1, combine(2, k3, 1, k4));
  return combine(1, w, h / 6, slope);
}
