// How many message bytes each pixel method can carry in an image, after its framing bytes.
import { CorpusError } from '../errors.ts';

export const ALPHA_PREFIX = new TextEncoder().encode('AI42');

/** Message bytes that fit in `carrierBits` LSBs, given the framing bytes around the message. */
export function messageCapacity(carrierBits: number, framingBytes: number): number {
  return Math.max(0, Math.floor(carrierBits / 8) - framingBytes);
}

export function checkFits(method: string, payloadBits: number, carrierBits: number): void {
  if (payloadBits > carrierBits) {
    throw new CorpusError(
      'CORPUS_PAYLOAD_TOO_LARGE',
      `${method}: payload needs ${payloadBits} bits, the image has ${carrierBits}`,
    );
  }
}

export function checkNoZero(method: string, message: Uint8Array): void {
  if (message.includes(0)) {
    throw new CorpusError('CORPUS_BAD_OPTION', `${method}: message contains 0x00, which would end the payload early`);
  }
}
