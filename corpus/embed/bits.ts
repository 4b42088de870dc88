// Bytes <-> bit sequences in the two bit orders the V4 methods use.
import type { BitOrder as ContractBitOrder } from '../../v4/contract.ts';

/** The orders that place bits (the contract's `none` is for methods that place bytes). */
export type BitOrder = Exclude<ContractBitOrder, 'none'>;

export function bytesToBits(bytes: Uint8Array, order: BitOrder): Uint8Array {
  const bits = new Uint8Array(bytes.length * 8);
  for (let i = 0; i < bytes.length; i++) {
    for (let k = 0; k < 8; k++) {
      const shift = order === 'lsb-first' ? k : 7 - k;
      bits[i * 8 + k] = (bytes[i] >> shift) & 1;
    }
  }
  return bits;
}

/** Reads bytes from a bit sequence until a 0x00 byte (not included); null if none ends it. */
export function bitsToTerminatedBytes(bits: ArrayLike<number>, order: BitOrder): Uint8Array | null {
  const out: number[] = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) {
    let byte = 0;
    for (let k = 0; k < 8; k++) {
      const shift = order === 'lsb-first' ? k : 7 - k;
      byte |= (bits[i + k] & 1) << shift;
    }
    if (byte === 0) return Uint8Array.from(out);
    out.push(byte);
  }
  return null;
}

