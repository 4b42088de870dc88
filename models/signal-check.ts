// Does the payload of the LSB methods reach the tensors the model sees? For every stego image of
// lsb.rgb and palette (and the clean images of the same containers), on the very streams the
// served preprocessing makes:
//   - how many payload bits land inside the 256x256 centre crop (the only pixels the model sees);
//   - a payload-blind statistic: in the first visible rows of the crop, the share of zeros at
//     every 8th bit of the LSB bit stream, best of the 8 phases. A text payload's zero top bits
//     push it to 1; a photograph's own LSB noise stays near 0.5.
//
//   node --import tsx models/signal-check.ts CORPUS_DIR [--json]
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { preprocess } from '../v4/preprocess.ts';
import { CROP } from '../v4/contract.ts';
import { centreCrop } from '../v4/streams/crop.ts';
import { readLabel } from '../schemas/corpus-label.ts';

interface Row {
  key: string;
  bitsInCrop: number;
  zeroPhase: number;
  kind: string;
}

/** Payload bit positions are pixel-major from image pixel 0; counts those inside the crop. */
function payloadBitsInCrop(width: number, height: number, payloadBits: number, bitsPerPixel: number): number {
  const crop = centreCrop(width, height);
  let inside = 0;
  for (let bit = 0; bit < payloadBits; bit++) {
    const p = Math.floor(bit / bitsPerPixel);
    const y = Math.floor(p / width) - crop.top;
    const x = (p % width) - crop.left;
    if (y >= crop.y0 && y < crop.y1 && x >= crop.x0 && x < crop.x1) inside++;
  }
  return inside;
}

/** Bits of the first `rows` visible crop rows, interleaved per pixel as the payload is. */
function topRowBits(plane: Float32Array, channels: number, width: number, height: number, rows: number): number[] {
  const crop = centreCrop(width, height);
  const bits: number[] = [];
  for (let y = crop.y0; y < Math.min(crop.y1, crop.y0 + rows); y++) {
    for (let x = crop.x0; x < crop.x1; x++) {
      for (let c = 0; c < channels; c++) bits.push(plane[c * CROP * CROP + y * CROP + x]);
    }
  }
  return bits;
}

function bestZeroPhase(bits: number[]): number {
  let best = 0;
  for (let phase = 0; phase < 8; phase++) {
    let zeros = 0;
    let n = 0;
    for (let i = phase; i < bits.length; i += 8, n++) if (bits[i] === 0) zeros++;
    if (n > 0) best = Math.max(best, zeros / n);
  }
  return best;
}

async function main(): Promise<void> {
  const dir = process.argv[2];
  const rows: Row[] = [];
  for (const file of readdirSync(dir).filter((f) => !f.endsWith('.json')).sort()) {
    const path = join(dir, file);
    const label = await readLabel(path);
    const container = label.mode === 'P' ? 'palette' : label.format === 'BMP' || (label.format === 'PNG' && label.mode === 'RGB') ? 'rgb' : null;
    if (!container) continue;
    const isStego = label.category === 'stego';
    if (isStego && label.method !== (container === 'palette' ? 'palette' : 'lsb.rgb')) continue;
    const { streams } = await preprocess(readFileSync(path));
    const plane = container === 'palette' ? streams.palette_lsb : streams.lsb;
    const channels = container === 'palette' ? 1 : 3;
    const payloadBits = isStego ? (label.payload_bytes + 1) * 8 : 0;
    rows.push({
      key: isStego ? `stego:${label.method}` : `clean:${container}`,
      bitsInCrop: payloadBitsInCrop(label.width, label.height, payloadBits, channels),
      zeroPhase: bestZeroPhase(topRowBits(plane, channels, label.width, label.height, 2)),
      kind: isStego ? label.message_kind : 'clean',
    });
  }
  for (const key of [...new Set(rows.map((r) => r.key))].sort()) {
    const group = rows.filter((r) => r.key === key);
    const none = group.filter((r) => r.bitsInCrop === 0).length;
    const under512 = group.filter((r) => r.bitsInCrop < 512).length;
    const text = group.filter((r) => r.kind !== 'bytes' && r.kind !== 'clean');
    const high = (list: Row[]) => list.filter((r) => r.zeroPhase >= 0.8).length;
    console.log(`${key.padEnd(14)} n=${group.length}  payload bits in crop: none ${none}, <512 ${under512}` +
      `  | zero-phase>=0.8: all ${high(group)}/${group.length}, text ${high(text)}/${text.length}`);
  }
}

await main();
