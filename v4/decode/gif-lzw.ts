// GIF's variable-width LZW (GIF89a appendix F) into palette indices, with typed arrays.
// gifuct-js decodes the same codes into plain JS arrays and cost ~2.5 ms for a 256x256 frame,
// more than the whole decode budget; this does it in a fraction of that.
import { V4Error } from '../errors.ts';

const MAX_CODES = 4096;

/**
 * Decode `data` (the image's sub-blocks, joined) into `out`, at most `out.length` indices.
 * Returns how many indices were written: a stream that ends early (end code, or a code the
 * table cannot hold yet) stops there, and the caller leaves the rest as background, as Pillow does.
 */
export function lzwDecode(data: Uint8Array, minCodeSize: number, out: Uint8Array): number {
  if (minCodeSize < 1 || minCodeSize > 11) throw new V4Error('CORRUPT_IMAGE', `GIF: bad LZW code size ${minCodeSize}`);
  const clear = 1 << minCodeSize;
  const end = clear + 1;
  const prefix = new Uint16Array(MAX_CODES);
  const suffix = new Uint8Array(MAX_CODES);
  const stack = new Uint8Array(MAX_CODES + 1);
  for (let c = 0; c < clear; c++) suffix[c] = c;

  let codeSize = minCodeSize + 1;
  let mask = (1 << codeSize) - 1;
  let available = clear + 2;
  let old = -1;
  let first = 0;
  let datum = 0;
  let bits = 0;
  let pos = 0;
  let written = 0;
  const total = out.length;

  while (written < total) {
    while (bits < codeSize) {
      if (pos >= data.length) return written;
      datum |= data[pos++] << bits;
      bits += 8;
    }
    let code = datum & mask;
    datum >>>= codeSize;
    bits -= codeSize;

    if (code === clear) {
      codeSize = minCodeSize + 1;
      mask = (1 << codeSize) - 1;
      available = clear + 2;
      old = -1;
      continue;
    }
    if (code === end || code > available) return written;
    if (old === -1) {
      if (code >= clear) return written;
      out[written++] = suffix[code];
      old = code;
      first = code;
      continue;
    }
    const inCode = code;
    let top = 0;
    if (code === available) {
      stack[top++] = first;
      code = old;
    }
    while (code > clear) {
      stack[top++] = suffix[code];
      code = prefix[code];
    }
    first = suffix[code];
    stack[top++] = first;
    if (available < MAX_CODES) {
      prefix[available] = old;
      suffix[available] = first;
      available++;
      if ((available & mask) === 0 && available < MAX_CODES) {
        codeSize++;
        mask = (1 << codeSize) - 1;
      }
    }
    old = inCode;
    while (top > 0 && written < total) out[written++] = stack[--top];
  }
  return written;
}
