/**
 * What the CLI touches of its process, passed in so tests can run it in-process: output streams,
 * the cancellation signal (main.ts wires it to SIGINT) and, optionally, a GPU to use instead of
 * acquiring (and afterwards destroying) one.
 */
import type { GpuContext } from '../gpu/device.js';

export interface OutputStream {
  write(text: string): unknown;
}

export interface ErrorStream extends OutputStream {
  isTTY?: boolean;
}

export interface CliIo {
  stdout: OutputStream;
  stderr: ErrorStream;
  signal?: AbortSignal;
  gpu?: GpuContext;
}
