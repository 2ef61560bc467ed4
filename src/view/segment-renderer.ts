/**
 * The GPU half of the 3D view: the page's own device, the thick-segment render pipeline
 * (segments.wgsl) for one colour format, and the instance buffer of segments. Knows nothing of
 * canvases: it renders into whatever texture view a presenter hands it.
 */
import source from './segments.wgsl?raw';
import { acquireDevice, type GpuContext } from '../gpu/device.js';

/** a (3), b (3), colour (4), width (1), padding (1). */
export const FLOATS_PER_SEGMENT = 12;
const CLEAR = { r: 0.043, g: 0.055, b: 0.075, a: 1 };

export class SegmentRenderer {
  private segments: GPUBuffer;
  private count = 0;

  private constructor(
    readonly gpu: GpuContext,
    readonly format: GPUTextureFormat,
    private readonly pipeline: GPURenderPipeline,
    private readonly uniforms: GPUBuffer,
    private readonly bindGroup: GPUBindGroup,
  ) {
    this.segments = this.segmentBuffer(1024);
  }

  /** A renderer on `gpu` (a new device when omitted) for targets of `format`. */
  static async create(format: GPUTextureFormat, gpu?: GpuContext): Promise<SegmentRenderer> {
    gpu ??= await acquireDevice();
    const { device } = gpu;
    const module = device.createShaderModule({ label: 'trajectory segments', code: source });
    const at = (shaderLocation: number, offset: number, format: GPUVertexFormat): GPUVertexAttribute => ({
      shaderLocation,
      offset: offset * 4,
      format,
    });
    // The async form rejects on a shader or pipeline error instead of failing silently later.
    const pipeline = await device.createRenderPipelineAsync({
      label: 'trajectory segments',
      layout: 'auto',
      vertex: {
        module,
        entryPoint: 'vertexMain',
        buffers: [
          {
            arrayStride: FLOATS_PER_SEGMENT * 4,
            stepMode: 'instance',
            attributes: [at(0, 0, 'float32x3'), at(1, 3, 'float32x3'), at(2, 6, 'float32x4'), at(3, 10, 'float32')],
          },
        ],
      },
      fragment: {
        module,
        entryPoint: 'fragmentMain',
        targets: [
          {
            format,
            // Premultiplied alpha from the shader: later segments cover earlier ones.
            blend: {
              color: { srcFactor: 'one', dstFactor: 'one-minus-src-alpha', operation: 'add' },
              alpha: { srcFactor: 'one', dstFactor: 'one-minus-src-alpha', operation: 'add' },
            },
          },
        ],
      },
      primitive: { topology: 'triangle-list' },
    });
    const uniforms = device.createBuffer({
      label: 'trajectory camera',
      size: 80,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    const bindGroup = device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: [{ binding: 0, resource: { buffer: uniforms } }],
    });
    return new SegmentRenderer(gpu, format, pipeline, uniforms, bindGroup);
  }

  /** Replaces the segments drawn (FLOATS_PER_SEGMENT floats each). */
  upload(data: Float32Array<ArrayBuffer>): void {
    const bytes = data.byteLength;
    if (bytes > this.segments.size) {
      this.segments.destroy();
      this.segments = this.segmentBuffer(
        Math.max(data.length / FLOATS_PER_SEGMENT, (2 * this.segments.size) / (FLOATS_PER_SEGMENT * 4)),
      );
    }
    this.gpu.device.queue.writeBuffer(this.segments, 0, data);
    this.count = data.length / FLOATS_PER_SEGMENT;
  }

  /** Encodes a frame into `target` (width × height pixels) seen through `viewProjection`. */
  encode(
    encoder: GPUCommandEncoder,
    target: GPUTextureView,
    viewProjection: Float32Array,
    width: number,
    height: number,
  ): void {
    const uniforms = new Float32Array(20);
    uniforms.set(viewProjection, 0);
    uniforms.set([width, height], 16);
    this.gpu.device.queue.writeBuffer(this.uniforms, 0, uniforms);
    const pass = encoder.beginRenderPass({
      colorAttachments: [{ view: target, clearValue: CLEAR, loadOp: 'clear', storeOp: 'store' }],
    });
    if (this.count > 0) {
      pass.setPipeline(this.pipeline);
      pass.setBindGroup(0, this.bindGroup);
      pass.setVertexBuffer(0, this.segments);
      pass.draw(6, this.count);
    }
    pass.end();
  }

  destroy(): void {
    this.gpu.destroy();
  }

  private segmentBuffer(segments: number): GPUBuffer {
    return this.gpu.device.createBuffer({
      label: 'trajectory segments',
      size: segments * FLOATS_PER_SEGMENT * 4,
      usage: GPUBufferUsage.VERTEX | GPUBufferUsage.COPY_DST,
    });
  }
}
