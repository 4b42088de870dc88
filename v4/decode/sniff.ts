// Which format a file is, from its magic bytes alone. Known but unsupported formats are named
// in the error so a caller sees "TIFF is not supported", not "corrupt".
import type { ImageFormat } from '../contract.ts';
import { V4Error } from '../errors.ts';

const SUPPORTED: { format: ImageFormat; magic: number[]; also?: { at: number; magic: number[] } }[] = [
  { format: 'PNG', magic: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { format: 'JPEG', magic: [0xff, 0xd8, 0xff] },
  { format: 'GIF', magic: [0x47, 0x49, 0x46, 0x38] }, // "GIF8", then "7a" or "9a"
  { format: 'WEBP', magic: [0x52, 0x49, 0x46, 0x46], also: { at: 8, magic: [0x57, 0x45, 0x42, 0x50] } },
  { format: 'BMP', magic: [0x42, 0x4d] },
];

const UNSUPPORTED: { name: string; magic: number[]; at?: number }[] = [
  { name: 'TIFF', magic: [0x49, 0x49, 0x2a, 0x00] },
  { name: 'TIFF', magic: [0x4d, 0x4d, 0x00, 0x2a] },
  { name: 'AVIF/HEIF', magic: [0x66, 0x74, 0x79, 0x70], at: 4 }, // ISO-BMFF "ftyp" box
  { name: 'JPEG 2000', magic: [0x00, 0x00, 0x00, 0x0c, 0x6a, 0x50, 0x20, 0x20] },
  { name: 'JPEG XL', magic: [0xff, 0x0a] },
  { name: 'ICO', magic: [0x00, 0x00, 0x01, 0x00] },
  { name: 'PSD', magic: [0x38, 0x42, 0x50, 0x53] },
  { name: 'PDF', magic: [0x25, 0x50, 0x44, 0x46] },
];

function matches(bytes: Uint8Array, magic: number[], at = 0): boolean {
  if (bytes.length < at + magic.length) return false;
  for (let i = 0; i < magic.length; i++) if (bytes[at + i] !== magic[i]) return false;
  return true;
}

/** True when the file is shorter than the magic and everything it has agrees with it. */
function isPrefixOf(bytes: Uint8Array, magic: number[]): boolean {
  return bytes.length < magic.length && bytes.every((b, i) => b === magic[i]);
}

/** The supported format the magic bytes name, or undefined: the one place formats are sniffed. */
export function formatOfMagic(bytes: Uint8Array): ImageFormat | undefined {
  for (const s of SUPPORTED) {
    if (matches(bytes, s.magic) && (!s.also || matches(bytes, s.also.magic, s.also.at))) return s.format;
  }
  return undefined;
}

export function sniffFormat(bytes: Uint8Array): ImageFormat {
  if (bytes.length === 0) throw new V4Error('EMPTY_INPUT', 'the image is empty (0 bytes)');
  const format = formatOfMagic(bytes);
  if (format) return format;
  for (const u of UNSUPPORTED) {
    if (matches(bytes, u.magic, u.at)) throw new V4Error('UNSUPPORTED_FORMAT', `${u.name} images are not supported`);
  }
  for (const s of SUPPORTED) {
    if (isPrefixOf(bytes, s.magic)) {
      throw new V4Error('TRUNCATED_IMAGE', `the file ends inside the ${s.format} signature (${bytes.length} bytes)`);
    }
  }
  throw new V4Error('UNSUPPORTED_FORMAT', 'not a supported image (PNG, JPEG, GIF, WebP or BMP)');
}
