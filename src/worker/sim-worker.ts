/**
 * The simulation worker's entry point: a dedicated Web Worker (WebGPU works there) that owns the
 * GPU device and the Session, so the page's main thread only draws. Commands are handled in the
 * order they arrive; a running training does not hold up the queue, so `pause` acts at once.
 */
import type { Command, Reply } from './protocol.js';
import { errorInfo } from './protocol.js';
import { Session } from './session.js';
import { DlnsimError } from '../errors.js';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (reply: Reply) => scope.postMessage(reply);

let session: Session | null = null;
let queue: Promise<void> = Promise.resolve();

async function handle(command: Command): Promise<void> {
  switch (command.type) {
    case 'load': {
      const previous = session;
      session = null;
      await previous?.dispose();
      try {
        const opened = await Session.open(command.config, post);
        session = opened.session;
        post({ type: 'loaded', id: command.id, info: opened.info });
      } catch (error) {
        post({ type: 'error', id: command.id, error: errorInfo(error) });
      }
      return;
    }
    case 'run':
      if (!session)
        post({ type: 'error', error: { name: 'StateError', message: 'nothing to run: load a config first' } });
      session?.train(command.steps);
      return;
    case 'pause':
      session?.pause();
      return;
    case 'export':
      try {
        if (!session)
          throw new DlnsimError(
            'nothing to export: load a config first (send a load command and wait for its loaded reply)',
          );
        post({ type: 'exported', id: command.id, files: await session.exportResults(command.preset) });
      } catch (error) {
        post({ type: 'error', id: command.id, error: errorInfo(error) });
      }
      return;
    case 'lose-device':
      session?.loseDevice();
      return;
    case 'dispose':
      await session?.dispose();
      session = null;
      scope.close();
      return;
  }
}

scope.onmessage = (event: MessageEvent<Command>) => {
  const command = event.data;
  queue = queue.then(() => handle(command)).catch((error: unknown) => post({ type: 'error', error: errorInfo(error) }));
};
