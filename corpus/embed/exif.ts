// exif method: an EXIF block (big-endian TIFF, IFD0 -> Exif IFD) whose UserComment (0x9286) is
// "ASCII\0\0\0" + message. The same builder writes benign camera EXIF for clean images, so
// "has EXIF" alone is not a stego signal.
import { concatBytes } from '../../v4/decode/bytes.ts';

export const USER_COMMENT_HEADER = new TextEncoder().encode('ASCII\0\0\0');

export const TAG = {
  make: 0x010f,
  model: 0x0110,
  software: 0x0131,
  dateTime: 0x0132,
  exifIfd: 0x8769,
  dateTimeOriginal: 0x9003,
  userComment: 0x9286,
} as const;

const TYPE_ASCII = 2;
const TYPE_LONG = 4;
const TYPE_UNDEFINED = 7;

export interface CameraFields {
  make?: string;
  model?: string;
  software?: string;
  dateTime?: string;
}

interface Entry {
  tag: number;
  type: number;
  count: number;
  bytes: Uint8Array;
}

/** The TIFF bytes of an EXIF block (what PNG eXIf and WebP EXIF hold; JPEG adds "Exif\0\0"). */
export function buildExif(camera: CameraFields, userComment?: Uint8Array): Uint8Array {
  const ifd0: Entry[] = [];
  if (camera.make) ifd0.push(ascii(TAG.make, camera.make));
  if (camera.model) ifd0.push(ascii(TAG.model, camera.model));
  if (camera.software) ifd0.push(ascii(TAG.software, camera.software));
  if (camera.dateTime) ifd0.push(ascii(TAG.dateTime, camera.dateTime));
  const exifIfd: Entry[] = [];
  if (camera.dateTime) exifIfd.push(ascii(TAG.dateTimeOriginal, camera.dateTime));
  if (userComment) {
    const bytes = concatBytes([USER_COMMENT_HEADER, userComment]);
    exifIfd.push({ tag: TAG.userComment, type: TYPE_UNDEFINED, count: bytes.length, bytes });
  }
  const ifd0Start = 8;
  const ifd0Length = ifdLength(ifd0.length + 1, ifd0);
  const exifStart = ifd0Start + ifd0Length;
  ifd0.push({ tag: TAG.exifIfd, type: TYPE_LONG, count: 1, bytes: u32(exifStart) });
  const header = Uint8Array.of(0x4d, 0x4d, 0x00, 0x2a, 0, 0, 0, 8);
  return concatBytes([header, writeIfd(ifd0, ifd0Start), writeIfd(exifIfd, exifStart)]);
}

/** JPEG APP1 carries the TIFF bytes behind an "Exif\0\0" identifier. */
export function exifForJpeg(tiff: Uint8Array): Uint8Array {
  return concatBytes([new TextEncoder().encode('Exif\0\0'), tiff]);
}

function ascii(tag: number, text: string): Entry {
  const bytes = concatBytes([new TextEncoder().encode(text), Uint8Array.of(0)]);
  return { tag, type: TYPE_ASCII, count: bytes.length, bytes };
}

function u32(value: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value);
  return out;
}

/** Size of an IFD's directory plus its out-of-line values, each value padded to an even size. */
function ifdLength(entryCount: number, entries: Entry[] = []): number {
  const directory = 2 + 12 * entryCount + 4;
  return directory + entries.reduce((n, e) => n + (e.bytes.length > 4 ? even(e.bytes.length) : 0), 0);
}

function writeIfd(entries: Entry[], start: number): Uint8Array {
  entries.sort((a, b) => a.tag - b.tag);
  const out = new Uint8Array(ifdLength(entries.length, entries));
  const view = new DataView(out.buffer);
  view.setUint16(0, entries.length);
  let dataOffset = 2 + 12 * entries.length + 4;
  entries.forEach((entry, i) => {
    const at = 2 + 12 * i;
    view.setUint16(at, entry.tag);
    view.setUint16(at + 2, entry.type);
    view.setUint32(at + 4, entry.count);
    if (entry.bytes.length <= 4) {
      out.set(entry.bytes, at + 8);
    } else {
      view.setUint32(at + 8, start + dataOffset);
      out.set(entry.bytes, dataOffset);
      dataOffset += even(entry.bytes.length);
    }
  });
  return out;
}

function even(n: number): number {
  return n + (n % 2);
}
