/**
 * How a rendered frame reaches the screen. Normally straight through a WebGPU canvas context.
 * Some browsers cannot present WebGPU canvases: headless Chromium on SwiftShader, for one, loses
 * the device (and the page's WebGPU instance with it) on the first present. There the frame is
 * rendered into a texture, read back and put on a 2D canvas: slower, but it works wherever WebGPU
 * computes.
 */
import { acquireDevice, type GpuContext } from '../gpu/device.js';
import { SegmentRenderer } from './segment-renderer.js';
import { GpuError } from '../errors.js';

/**
 * The presenter for this browser: readback on a software adapter (where canvas presentation is
 * what fails), the canvas otherwise.
 */
export async function choosePresenter(canvas: HTMLCanvasElement): Promise<Presenter> {
  const gpu = await acquireDevice();
  return gpu.adapter.isFallbackAdapter ? ReadbackPresenter.create(canvas, gpu) : CanvasPresenter.create(canvas, gpu);
}

export interface Presenter {
  readonly renderer: SegmentRenderer;
  readonly canvas: HTMLCanvasElement;
  /** Renders and shows a frame of `width` × `height` device pixels. */
  frame(viewProjection: Float32Array, width: number, height: number): void;
  destroy(): void;
}

export class CanvasPresenter implements Presenter {
  private readonly context: GPUCanvasContext;

  constructor(
    readonly renderer: SegmentRenderer,
    readonly canvas: HTMLCanvasElement,
  ) {
    const context = canvas.getContext('webgpu');
    if (!context)
      throw new GpuError(
        'this canvas gave no WebGPU context: the browser supports WebGPU compute but not canvas presentation; the 3D view needs a browser with WebGPU canvases (Chrome/Edge 113+)',
      );
    context.configure({ device: renderer.gpu.device, format: renderer.format, alphaMode: 'opaque' });
    this.context = context;
  }

  static async create(canvas: HTMLCanvasElement, gpu?: GpuContext): Promise<CanvasPresenter> {
    return new CanvasPresenter(await SegmentRenderer.create(navigator.gpu.getPreferredCanvasFormat(), gpu), canvas);
  }

  frame(viewProjection: Float32Array, width: number, height: number): void {
    if (this.canvas.width !== width || this.canvas.height !== height)
      [this.canvas.width, this.canvas.height] = [width, height];
    const encoder = this.renderer.gpu.device.createCommandEncoder({ label: 'trajectory frame' });
    this.renderer.encode(encoder, this.context.getCurrentTexture().createView(), viewProjection, width, height);
    this.renderer.gpu.device.queue.submit([encoder.finish()]);
  }

  destroy(): void {
    this.renderer.destroy();
  }
}

export class ReadbackPresenter implements Presenter {
  private texture: GPUTexture | null = null;
  private staging: GPUBuffer | null = null;
  private busy = false;
  /** A frame asked for while one was being read back: drawn when that one lands. */
  private pending: { viewProjection: Float32Array; width: number; height: number } | null = null;

  constructor(
    readonly renderer: SegmentRenderer,
    readonly canvas: HTMLCanvasElement,
  ) {}

  static async create(canvas: HTMLCanvasElement, gpu?: GpuContext): Promise<ReadbackPresenter> {
    return new ReadbackPresenter(await SegmentRenderer.create('rgba8unorm', gpu), canvas);
  }

  frame(viewProjection: Float32Array, width: number, height: number): void {
    if (this.busy) {
      this.pending = { viewProjection, width, height };
      return;
    }
    this.busy = true;
    void this.render(viewProjection, width, height)
      .catch(() => undefined) // a lost device is handled by the view through its `lost` promise
      .finally(() => {
        this.busy = false;
        const next = this.pending;
        this.pending = null;
        if (next) this.frame(next.viewProjection, next.width, next.height);
      });
  }

  destroy(): void {
    this.texture?.destroy();
    this.staging?.destroy();
    this.renderer.destroy();
  }

  private async render(viewProjection: Float32Array, width: number, height: number): Promise<void> {
    const { device } = this.renderer.gpu;
    // Rows of a texture-to-buffer copy are padded to 256 bytes.
    const rowBytes = Math.ceil((width * 4) / 256) * 256;
    if (!this.texture || this.texture.width !== width || this.texture.height !== height) {
      this.texture?.destroy();
      this.staging?.destroy();
      this.texture = device.createTexture({
        label: 'trajectory frame',
        size: [width, height],
        format: 'rgba8unorm',
        usage: GPUTextureUsage.RENDER_ATTACHMENT | GPUTextureUsage.COPY_SRC,
      });
      this.staging = device.createBuffer({
        label: 'trajectory readback',
        size: rowBytes * height,
        usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
      });
    }
    const texture = this.texture;
    const staging = this.staging!;
    const encoder = device.createCommandEncoder({ label: 'trajectory frame (readback)' });
    this.renderer.encode(encoder, texture.createView(), viewProjection, width, height);
    encoder.copyTextureToBuffer({ texture }, { buffer: staging, bytesPerRow: rowBytes }, [width, height]);
    device.queue.submit([encoder.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const padded = new Uint8Array(staging.getMappedRange());
    const image = new ImageData(width, height);
    for (let y = 0; y < height; y++)
      image.data.set(padded.subarray(y * rowBytes, y * rowBytes + width * 4), y * width * 4);
    staging.unmap();
    if (this.canvas.width !== width || this.canvas.height !== height)
      [this.canvas.width, this.canvas.height] = [width, height];
    this.canvas.getContext('2d')?.putImageData(image, 0, 0);
  }
}
