/**
 * The page's handle on a simulation worker: starts it, sends typed commands, turns the answers to
 * `load` and `export` into promises and hands every streamed reply (records, progress, notices) to
 * one listener. Used by the demo and by the <dln-sim> element.
 */
import type { Config } from '../config/types.js';
import type { Command, ErrorInfo, ExportedFiles, LoadedInfo, Reply } from './protocol.js';

/** An error that came from the worker, with the ConfigError fields when it was one. */
export class WorkerError extends Error {
  readonly field?: string;
  readonly fix?: string;
  constructor(readonly info: ErrorInfo) {
    super(info.message);
    this.name = info.name;
    if (info.field !== undefined) this.field = info.field;
    if (info.fix !== undefined) this.fix = info.fix;
  }
}

type Waiter = { resolve: (value: never) => void; reject: (error: WorkerError) => void };

export class SimClient {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, Waiter>();
  private nextId = 1;

  /** `listener` gets every reply that is not the answer to a load or export request. */
  constructor(private readonly listener: (reply: Reply) => void) {
    this.worker = new Worker(new URL('./sim-worker.ts', import.meta.url), { type: 'module', name: 'dlnsim' });
    this.worker.onmessage = (event: MessageEvent<Reply>) => this.receive(event.data);
    this.worker.onerror = (event) => {
      event.preventDefault();
      this.fail({
        name: 'WorkerError',
        message: `the simulation worker failed: ${event.message || 'it could not start (see the console)'}`,
      });
    };
  }

  load(config: Config): Promise<LoadedInfo> {
    return this.request((id) => ({ type: 'load', id, config }));
  }

  /** Trains `steps` more steps, or up to train.steps; progress and records stream to the listener. */
  run(steps?: number): void {
    this.send(steps === undefined ? { type: 'run' } : { type: 'run', steps });
  }

  pause(): void {
    this.send({ type: 'pause' });
  }

  /** summary.json and trace.csv; `preset` when the loaded config is that preset's, unedited. */
  exportResults(preset?: string): Promise<ExportedFiles> {
    return this.request((id) => (preset === undefined ? { type: 'export', id } : { type: 'export', id, preset }));
  }

  /** Makes the worker lose its device, to watch recovery happen. */
  loseDevice(): void {
    this.send({ type: 'lose-device' });
  }

  /** Releases the GPU and ends the worker; the client cannot be used afterwards. */
  dispose(): void {
    this.send({ type: 'dispose' });
    // The worker closes itself after releasing the device; terminating a moment later covers a
    // worker stuck in a GPU call (the browser frees the device with the worker either way).
    setTimeout(() => this.worker.terminate(), 2000);
    this.fail({ name: 'AbortError', message: 'the simulation was disposed' });
  }

  private request<T>(command: (id: number) => Command): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (value: never) => void, reject });
      this.send(command(id));
    });
  }

  private send(command: Command): void {
    this.worker.postMessage(command);
  }

  private receive(reply: Reply): void {
    const id = reply.type === 'loaded' || reply.type === 'exported' || reply.type === 'error' ? reply.id : undefined;
    const waiter = id === undefined ? undefined : this.waiting.get(id);
    if (!waiter) {
      this.listener(reply);
      return;
    }
    this.waiting.delete(id!);
    if (reply.type === 'loaded') waiter.resolve(reply.info as never);
    else if (reply.type === 'exported') waiter.resolve(reply.files as never);
    else if (reply.type === 'error') waiter.reject(new WorkerError(reply.error));
  }

  /** Rejects every open request, and tells the listener when nothing was waiting. */
  private fail(info: ErrorInfo): void {
    if (this.waiting.size === 0 && info.name !== 'AbortError') this.listener({ type: 'error', error: info });
    for (const waiter of this.waiting.values()) waiter.reject(new WorkerError(info));
    this.waiting.clear();
  }
}
