/**
 * How kernels share WGSL: a kernel's module source is its pieces joined in order, declarations
 * first, as tfjs-backend-webgpu's makeShader prepends its common snippet. WGSL has no includes,
 * and module-scope declarations may appear in any order, so joining is all it takes.
 */
import net from '../../shaders/net.wgsl?raw';

export function composeWgsl(...pieces: string[]): string {
  return pieces.join('\n');
}

/** `struct Net`, the per-network words of the `nets` buffer (engine/nets.ts mirrors it). */
export const NET_WGSL = net;
