// Thick, round-capped, antialiased 3D line segments for the trajectory view. Each instance is one
// segment; six vertices expand it into a screen-space quad `width` pixels wide (WebGPU lines are
// one pixel), and the fragment stage fades the edge over one pixel. A segment whose ends coincide
// draws a round dot.

struct Uniforms {
  viewProjection: mat4x4f,
  // canvas size in physical pixels
  viewport: vec2f,
  padding: vec2f,
}

@group(0) @binding(0) var<uniform> uniforms: Uniforms;

struct Segment {
  @location(0) a: vec3f,
  @location(1) b: vec3f,
  @location(2) colour: vec4f,
  @location(3) width: f32,
}

struct Varyings {
  @builtin(position) position: vec4f,
  @location(0) colour: vec4f,
  // pixels along the segment from `a`, and across it from its centre line
  @location(1) @interpolate(linear) local: vec2f,
  // segment length and half width in pixels
  @location(2) @interpolate(flat) size: vec2f,
}

const ENDS = array<f32, 6>(0.0, 1.0, 0.0, 0.0, 1.0, 1.0);
const SIDES = array<f32, 6>(-1.0, -1.0, 1.0, 1.0, -1.0, 1.0);

@vertex
fn vertexMain(@builtin(vertex_index) corner: u32, segment: Segment) -> Varyings {
  let clipA = uniforms.viewProjection * vec4f(segment.a, 1.0);
  let clipB = uniforms.viewProjection * vec4f(segment.b, 1.0);
  let halfViewport = 0.5 * uniforms.viewport;
  let pixelA = clipA.xy / clipA.w * halfViewport;
  let pixelB = clipB.xy / clipB.w * halfViewport;
  let delta = pixelB - pixelA;
  let span = length(delta);
  var direction = vec2f(1.0, 0.0);
  if (span > 1e-4) {
    direction = delta / span;
  }
  let normal = vec2f(-direction.y, direction.x);
  // Half width plus one pixel of room for the antialiased edge and the round caps.
  let reach = 0.5 * segment.width + 1.0;
  let end = ENDS[corner];
  let side = SIDES[corner];
  let along = (2.0 * end - 1.0) * reach;
  let pixel = mix(pixelA, pixelB, end) + direction * along + normal * side * reach;
  let clip = mix(clipA, clipB, end);

  var out: Varyings;
  out.position = vec4f(pixel / halfViewport * clip.w, clip.z, clip.w);
  out.colour = segment.colour;
  out.local = vec2f(end * span + along, side * reach);
  out.size = vec2f(span, 0.5 * segment.width);
  return out;
}

@fragment
fn fragmentMain(in: Varyings) -> @location(0) vec4f {
  let nearest = clamp(in.local.x, 0.0, in.size.x);
  let gap = length(vec2f(in.local.x - nearest, in.local.y));
  let coverage = clamp(in.size.y + 0.5 - gap, 0.0, 1.0);
  let alpha = in.colour.a * coverage;
  return vec4f(in.colour.rgb * alpha, alpha);
}
