/**
 * Banners above the dashboard (software adapter, lost device, errors) and the whole-page message
 * for when nothing can run (no WebGPU, or a config that cannot be read). Each banner has an id, so
 * showing it again replaces it instead of stacking copies.
 */
export type NoticeKind = 'info' | 'warn' | 'error';

export function showNotice(id: string, kind: NoticeKind, title: string, body: string | Node): HTMLElement {
  const container = document.getElementById('notices')!;
  clearNotice(id);
  const notice = document.createElement('div');
  notice.className = `notice ${kind}`;
  notice.dataset.notice = id;
  notice.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  const text = document.createElement('div');
  const strong = document.createElement('strong');
  strong.textContent = title;
  const paragraph = document.createElement('p');
  paragraph.append(body);
  text.append(strong, paragraph);
  const dismiss = document.createElement('button');
  dismiss.className = 'dismiss';
  dismiss.type = 'button';
  dismiss.title = 'dismiss';
  dismiss.textContent = '×';
  dismiss.addEventListener('click', () => notice.remove());
  notice.append(text, dismiss);
  container.append(notice);
  return notice;
}

export function clearNotice(id: string): void {
  document.querySelector(`[data-notice="${id}"]`)?.remove();
}

/** Replaces the dashboard with one message; `body` is trusted markup written in this module's callers. */
export function showFatal(title: string, body: string): void {
  document.getElementById('layout')!.hidden = true;
  const fatal = document.createElement('section');
  fatal.className = 'fatal';
  fatal.setAttribute('role', 'alert');
  fatal.dataset.fatal = 'true';
  const heading = document.createElement('h1');
  heading.textContent = title;
  const content = document.createElement('div');
  content.innerHTML = body;
  fatal.append(heading, content);
  document.querySelector('.fatal')?.remove();
  document.body.append(fatal);
}

export const NO_WEBGPU = `
  <p>This browser does not expose WebGPU (<code>navigator.gpu</code> is missing), and dlnsim trains
  its networks with WebGPU compute shaders.</p>
  <ul>
    <li>Chrome or Edge 113 or newer on Windows, macOS and ChromeOS have it on by default.</li>
    <li>On Linux, start Chrome with <code>--enable-unsafe-webgpu --enable-features=Vulkan</code>,
      or turn on <code>chrome://flags/#enable-unsafe-webgpu</code>.</li>
    <li>Safari 26 and Firefox 141 (Windows) or newer support it as well.</li>
    <li>WebGPU needs a secure context: open the page over <code>https://</code> or from
      <code>localhost</code>.</li>
  </ul>
  <p>Without a browser, the same simulator runs from the command line: <code>npx dlnsim run saddle-to-saddle</code>.</p>`;

export const SOFTWARE_ADAPTER =
  'Your browser gave dlnsim a software GPU (SwiftShader or similar), about 100× slower than real hardware: ' +
  'keep experiments small. To use your GPU, turn on hardware acceleration in the browser settings, check ' +
  'chrome://gpu for "WebGPU: Hardware accelerated", and on Linux start Chrome with --enable-features=Vulkan ' +
  '(and --enable-unsafe-webgpu where WebGPU is not yet on by default).';
