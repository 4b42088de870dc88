// The image format from its first bytes, for events about requests that were never decoded
// (rejected, proxied): the V4 path's own sniffing, with `unknown` where it would refuse.
import { formatOfMagic } from '../../v4/decode/sniff.ts';

export function sniffFormat(b: Uint8Array): string {
  return formatOfMagic(b) ?? 'unknown';
}
