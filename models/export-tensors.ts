// Turns labelled corpus folders into the tensors the training script reads, using the project's
// own TypeScript preprocessing, so training and serving see identical inputs.
//
//   node --import tsx models/export-tensors.ts OUT_DIR CORPUS_DIR...
//
// Writes OUT_DIR/<stream>.bin (all images back to back) and OUT_DIR/index.json (labels, layout).
// Image-sized streams are stored as uint8 (values are k/255 or 0/1, so nothing is lost); the
// two six-value feature vectors as float32.
import { openSync, writeSync, closeSync, writeFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { preprocess } from '../v4/preprocess.ts';
import { STREAM_NAMES, streamSize, METHODS, BIT_ORDERS, type StreamName } from '../v4/contract.ts';
import { readLabel } from '../schemas/corpus-label.ts';

/** Per stream: how a float value is stored. 'u8x255': round(x*255); 'alpha': ch0 x255, ch1 as 0/1. */
const STORAGE: Record<StreamName, 'u8x255' | 'u8x1' | 'alpha' | 'f32'> = {
  pixel_tensor: 'u8x255',
  meta: 'u8x255',
  alpha: 'alpha',
  lsb: 'u8x1',
  palette: 'u8x255',
  palette_lsb: 'u8x1',
  format_features: 'f32',
  content_features: 'f32',
};

function encode(name: StreamName, values: Float32Array): Uint8Array {
  const storage = STORAGE[name];
  if (storage === 'f32') return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const out = new Uint8Array(values.length);
  const half = values.length / 2;
  for (let i = 0; i < values.length; i++) {
    const scale = storage === 'u8x1' || (storage === 'alpha' && i >= half) ? 1 : 255;
    out[i] = Math.round(values[i] * scale);
  }
  return out;
}

async function main(): Promise<void> {
  const [out, ...corpora] = process.argv.slice(2);
  if (!out || corpora.length === 0) throw new Error('usage: export-tensors.ts OUT_DIR CORPUS_DIR...');
  mkdirSync(out, { recursive: true });
  const files = Object.fromEntries(STREAM_NAMES.map((n) => [n, openSync(join(out, `${n}.bin`), 'w')]));
  const index: Array<Record<string, unknown>> = [];
  for (const dir of corpora) {
    const images = readdirSync(dir).filter((f) => !f.endsWith('.json')).sort();
    for (const file of images) {
      const path = join(dir, file);
      const label = await readLabel(path);
      const { streams } = await preprocess(readFileSync(path));
      for (const name of STREAM_NAMES) writeSync(files[name], encode(name, streams[name]));
      const stego = label.category === 'stego';
      index.push({
        file: path,
        format: label.format,
        stego: stego ? 1 : 0,
        method: stego ? METHODS.indexOf(label.method) : -1,
        bit_order: stego ? BIT_ORDERS.indexOf(label.bit_order) : -1,
      });
      if (index.length % 500 === 0) console.error(`${index.length} images`);
    }
  }
  for (const fd of Object.values(files)) closeSync(fd);
  const layout = Object.fromEntries(STREAM_NAMES.map((n) => [n, { size: streamSize(n), storage: STORAGE[n] }]));
  writeFileSync(join(out, 'index.json'), JSON.stringify({ layout, images: index }));
  console.error(`wrote ${index.length} images to ${out}`);
}

await main();
