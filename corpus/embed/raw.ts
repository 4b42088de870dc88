// raw method: the message bytes appended after the end of the image data (after JPEG's FF D9,
// PNG's IEND chunk, GIF's ';' trailer, or past the WebP RIFF size).
import { concatBytes } from '../../v4/decode/bytes.ts';

export function appendTail(file: Uint8Array, message: Uint8Array): Uint8Array {
  return concatBytes([file, message]);
}
