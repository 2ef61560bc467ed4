/**
 * Pooled asynchronous readback: the step loop copies each chunk's records into a MAP_READ staging
 * buffer and moves on; the mapping resolves later, in submission order. Buffers are reused, so a
 * long run allocates a handful of staging buffers in total.
 */
export class ReadbackPool {
  private readonly free: GPUBuffer[] = [];
  private readonly all: GPUBuffer[] = [];

  constructor(
    private readonly device: GPUDevice,
    private readonly bytes: number,
  ) {}

  /** A staging buffer of the pool's size (new only when none is free). */
  acquire(): GPUBuffer {
    const buffer =
      this.free.pop() ??
      this.device.createBuffer({
        label: 'records staging',
        size: this.bytes,
        usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
      });
    if (!this.all.includes(buffer)) this.all.push(buffer);
    return buffer;
  }

  /** Maps `buffer` (its copy must already be submitted), hands a copy of its floats over, frees it. */
  async read(buffer: GPUBuffer, floats: number): Promise<Float32Array> {
    await buffer.mapAsync(GPUMapMode.READ, 0, floats * 4);
    const values = new Float32Array(buffer.getMappedRange(0, floats * 4).slice(0));
    buffer.unmap();
    this.free.push(buffer);
    return values;
  }

  destroy(): void {
    for (const buffer of this.all) buffer.destroy();
    this.all.length = 0;
    this.free.length = 0;
  }
}
