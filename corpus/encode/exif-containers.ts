// Puts an EXIF block where each format keeps it: a JPEG APP1 segment, a PNG eXIf chunk, or a
// WebP EXIF chunk (which needs the extended VP8X header with its EXIF flag set).
import { crc32 } from 'node:zlib';
import { concatBytes } from '../../v4/decode/bytes.ts';
import { exifForJpeg } from '../embed/exif.ts';

const latin1 = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));

/** APP1 right after SOI, or after a leading JFIF APP0 as most cameras and libraries do. */
export function insertJpegExif(jpeg: Uint8Array, tiff: Uint8Array): Uint8Array {
  if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8) throw new Error('not a JPEG (no SOI)');
  const body = exifForJpeg(tiff);
  if (body.length + 2 > 0xffff) throw new Error(`EXIF block of ${body.length} bytes does not fit one APP1 segment`);
  const segment = concatBytes([Uint8Array.of(0xff, 0xe1, (body.length + 2) >> 8, (body.length + 2) & 0xff), body]);
  let at = 2;
  if (jpeg[2] === 0xff && jpeg[3] === 0xe0) at = 4 + ((jpeg[4] << 8) | jpeg[5]);
  return concatBytes([jpeg.subarray(0, at), segment, jpeg.subarray(at)]);
}

/** eXIf goes before the image data; right after IHDR is always a valid place. */
export function insertPngExif(png: Uint8Array, tiff: Uint8Array): Uint8Array {
  const afterIhdr = 8 + 8 + 13 + 4;
  if (String.fromCharCode(...png.subarray(12, 16)) !== 'IHDR') throw new Error('not a PNG (no IHDR first)');
  return concatBytes([png.subarray(0, afterIhdr), pngChunk('eXIf', tiff), png.subarray(afterIhdr)]);
}

export function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const typed = concatBytes([latin1(type), data]);
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(typed, 4);
  view.setUint32(8 + data.length, crc32(typed));
  return out;
}

export function insertWebpExif(webp: Uint8Array, tiff: Uint8Array): Uint8Array {
  const chunks = readWebpChunks(webp);
  const hasVp8x = chunks[0]?.type === 'VP8X';
  const head = hasVp8x ? [] : [vp8xFor(chunks[0])];
  const body = chunks.map((c) => (c.type === 'VP8X' ? withExifFlag(c.bytes) : c.bytes));
  const payload = concatBytes([latin1('WEBP'), ...head, ...body, webpChunk('EXIF', tiff)]);
  const header = concatBytes([latin1('RIFF'), le32(payload.length)]);
  return concatBytes([header, payload]);
}

interface WebpChunk {
  type: string;
  data: Uint8Array;
  bytes: Uint8Array; // the whole chunk: header, data, padding
}

function readWebpChunks(webp: Uint8Array): WebpChunk[] {
  const view = new DataView(webp.buffer, webp.byteOffset, webp.byteLength);
  const text = (at: number) => String.fromCharCode(...webp.subarray(at, at + 4));
  if (text(0) !== 'RIFF' || text(8) !== 'WEBP') throw new Error('not a WebP file');
  const end = 8 + view.getUint32(4, true);
  const chunks: WebpChunk[] = [];
  for (let at = 12; at + 8 <= end; ) {
    const size = view.getUint32(at + 4, true);
    const padded = 8 + size + (size % 2);
    chunks.push({ type: text(at), data: webp.subarray(at + 8, at + 8 + size), bytes: webp.subarray(at, at + padded) });
    at += padded;
  }
  return chunks;
}

function webpChunk(type: string, data: Uint8Array): Uint8Array {
  const pad = data.length % 2 ? Uint8Array.of(0) : new Uint8Array(0);
  return concatBytes([latin1(type), le32(data.length), data, pad]);
}

const EXIF_FLAG = 0x08;
const ALPHA_FLAG = 0x10;

function withExifFlag(vp8x: Uint8Array): Uint8Array {
  const copy = new Uint8Array(vp8x);
  copy[8] |= EXIF_FLAG;
  return copy;
}

/** A VP8X chunk for a simple (VP8 or VP8L) WebP, taking the canvas size from its bitstream. */
function vp8xFor(image: WebpChunk | undefined): Uint8Array {
  if (!image) throw new Error('WebP has no image chunk');
  let width: number;
  let height: number;
  let flags = EXIF_FLAG;
  const d = image.data;
  if (image.type === 'VP8 ') {
    width = ((d[7] << 8) | d[6]) & 0x3fff;
    height = ((d[9] << 8) | d[8]) & 0x3fff;
  } else if (image.type === 'VP8L') {
    const bits = d[1] | (d[2] << 8) | (d[3] << 16) | (d[4] << 24);
    width = (bits & 0x3fff) + 1;
    height = ((bits >>> 14) & 0x3fff) + 1;
    if ((bits >>> 28) & 1) flags |= ALPHA_FLAG;
  } else {
    throw new Error(`unexpected first WebP chunk ${image.type}`);
  }
  const data = new Uint8Array(10);
  data[0] = flags;
  data.set(le24(width - 1), 4);
  data.set(le24(height - 1), 7);
  return webpChunk('VP8X', data);
}

function le32(value: number): Uint8Array {
  return Uint8Array.of(value & 0xff, (value >> 8) & 0xff, (value >> 16) & 0xff, (value >>> 24) & 0xff);
}

function le24(value: number): Uint8Array {
  return Uint8Array.of(value & 0xff, (value >> 8) & 0xff, (value >> 16) & 0xff);
}
