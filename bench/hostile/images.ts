// Hostile input for the agent's tests and benchmark, built in code: tiny files that declare huge
// images, a palette PNG that is cheap to send and costly to decode, and compression bombs.
import { constants, crc32, createBrotliCompress, createDeflate, createGzip, deflateSync } from 'node:zlib';

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/** An 8-bit palette PNG of `size` x `size` (stripes of 16 colours): ~40 KB for 4000x4000. */
export function palettePng(size: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 3; // palette
  const plte = Buffer.alloc(16 * 3);
  for (let i = 0; i < plte.length; i++) plte[i] = (i * 37) & 0xff;
  const row = Buffer.alloc(size + 1);
  for (let x = 0; x < size; x++) row[x + 1] = (x >> 3) & 15;
  const raw = Buffer.alloc(row.length * size);
  for (let y = 0; y < size; y++) row.copy(raw, y * row.length);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', ihdr), chunk('PLTE', plte), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

/** A 35-byte GIF whose screen and first frame declare `width` x `height`. */
export function hugeGif(width: number, height: number): Buffer {
  const b = Buffer.alloc(35);
  b.write('GIF89a', 0, 'ascii');
  b.writeUInt16LE(width, 6);
  b.writeUInt16LE(height, 8);
  b[10] = 0x80; // global colour table of 2 entries
  b.set([0, 0, 0, 255, 255, 255], 13);
  let p = 19;
  b[p++] = 0x2c; // image descriptor
  b.writeUInt16LE(0, p);
  b.writeUInt16LE(0, p + 2);
  b.writeUInt16LE(width, p + 4);
  b.writeUInt16LE(height, p + 6);
  p += 9;
  b[p++] = 2; // LZW minimum code size
  b[p++] = 2; // one sub-block of 2 bytes: clear, then end of information
  b[p++] = 0x4c;
  b[p++] = 0x01;
  b[p++] = 0; // block terminator
  b[p++] = 0x3b; // trailer
  return b.subarray(0, p);
}

/** A lossless WebP of `size` x `size` in one colour: ~1.5 KB for 6300x6300. */
export async function hugeWebp(size: number): Promise<Buffer> {
  const sharp = (await import('sharp')).default;
  return sharp({ create: { width: size, height: size, channels: 3, background: { r: 10, g: 200, b: 30 } } }).webp({ lossless: true }).toBuffer();
}

/** `mib` MiB of zeros compressed with the encoding (gzip, deflate, br), streamed so no one holds them. */
export async function compressionBomb(encoding: 'gzip' | 'deflate' | 'br', mib: number): Promise<Buffer> {
  const z =
    encoding === 'gzip' ? createGzip({ level: 9 }) : encoding === 'deflate' ? createDeflate({ level: 9 }) : createBrotliCompress({ params: { [constants.BROTLI_PARAM_QUALITY]: 5 } });
  const chunks: Buffer[] = [];
  z.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise((r) => z.on('end', r));
  const zeros = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < mib; i++) if (!z.write(zeros)) await new Promise((r) => z.once('drain', r));
  z.end();
  await ended;
  return Buffer.concat(chunks);
}
