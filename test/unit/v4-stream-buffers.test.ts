// Issue 17: a scan worker writes every image's big streams into the same two buffers. Reused
// buffers must give exactly the streams new ones give, also for a small image (that leaves most
// of the crop empty) right after a full one, whose pixels would otherwise show through.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CROP } from '../../v4/contract.ts';
import type { DecodedImage } from '../../v4/decode/decoded-image.ts';
import { buildStreams } from '../../v4/streams/build-streams.ts';
import { newStreamBuffers } from '../../v4/streams/stream-buffers.ts';

function rgbImage(width: number, height: number, seed: number): DecodedImage {
  const pixels = new Uint8Array(width * height * 3);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 31 + seed * 7) & 255;
  return { format: 'PNG', mode: 'RGB', width, height, pixels, channels: 3, palette: null, indices: null, exif: null, lossy: false };
}

test('reused buffers: a full image, a small one, then a full one, each as with new buffers', () => {
  const buffers = newStreamBuffers();
  for (const [i, img] of [rgbImage(CROP + 10, CROP + 4, 1), rgbImage(5, 3, 2), rgbImage(CROP, CROP, 3)].entries()) {
    const fresh = buildStreams(img, null);
    const reused = buildStreams(img, null, buffers);
    assert.equal(reused.pixel_tensor, buffers.pixel, `image ${i} was written into the given buffer`);
    assert.equal(reused.lsb, buffers.lsb);
    assert.deepEqual(reused, fresh, `image ${i}`);
  }
});

test('without buffers every image gets its own streams', () => {
  const a = buildStreams(rgbImage(CROP, CROP, 1), null);
  const b = buildStreams(rgbImage(CROP, CROP, 2), null);
  assert.notEqual(a.pixel_tensor, b.pixel_tensor);
  assert.notDeepEqual(a.pixel_tensor, b.pixel_tensor);
});
