/** The element docs page: registers <dln-sim> and lists the events the two elements send. */
import '../src/element/index.js';
import { formatNumber } from '../src/display/format.js';

const log = document.getElementById('event-log')!;
const LOG_LENGTH = 8;

function note(source: string, text: string): void {
  const item = document.createElement('li');
  item.innerHTML = `<b></b> <code></code>`;
  item.querySelector('b')!.textContent = source;
  item.querySelector('code')!.textContent = text;
  log.prepend(item);
  while (log.children.length > LOG_LENGTH) log.lastElementChild!.remove();
}

for (const element of document.querySelectorAll('dln-sim')) {
  const source = `#${element.id}`;
  element.addEventListener('ready', (event) =>
    note(source, `ready: ${event.detail.runs.length} network(s) on ${event.detail.adapter.name}`),
  );
  element.addEventListener('done', (event) =>
    note(source, `done: ${event.detail.steps.join(', ')} steps in ${formatNumber(event.detail.seconds)} s`),
  );
  element.addEventListener('error', (event) => note(source, `error: ${event.detail.message}`));
  // Records and progress come many times a second: log every tenth record only.
  let records = 0;
  element.addEventListener('record', (event) => {
    if (records++ % 10 === 0)
      note(source, `record: step ${event.detail.record.step}, loss ${formatNumber(event.detail.record.losses[0]!)}`);
  });
}
