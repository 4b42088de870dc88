// The two big streams' buffers (pixel_tensor and lsb, 768 KB each), kept by a thread that scans
// one image at a time and never hands its streams on (a scan worker): allocating them anew for
// every image cost about 1 ms of garbage collection an image, a fifth of the model's run.
import { CROP } from '../contract.ts';

export interface StreamBuffers {
  pixel: Float32Array;
  lsb: Float32Array;
}

export function newStreamBuffers(): StreamBuffers {
  return { pixel: new Float32Array(3 * CROP * CROP), lsb: new Float32Array(3 * CROP * CROP) };
}
