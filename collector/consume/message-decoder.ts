// Where a message is decoded: messages over `offloadBytes` in the decode worker (JSON.parse of a
// big message cannot be sliced), the rest on the event loop in slices (decodeMessageSliced). If
// the worker cannot boot (in time) or fails, the event loop decodes it after all.
import { decodeMessageSliced, type DecodeLimits, type Decoded, type Origin } from './decode.ts';
import type { DecodeOffload } from './decode-offload.ts';
import type { TimeSlice } from './time-slice.ts';

/** Messages over this many bytes go to the decode worker (`nats.decodeOffloadBytes`; 0 = none). */
export const DEFAULT_DECODE_OFFLOAD_BYTES = 64 * 1024;

export class MessageDecoder {
  /** Messages the worker decoded, and those it should have but the event loop did instead. */
  inWorker = 0;
  workerMissed = 0;

  constructor(
    private readonly offload: DecodeOffload | undefined,
    private readonly offloadBytes: number,
  ) {}

  async decode(data: Uint8Array, origin: Origin, limits: DecodeLimits, nowMs: number, slice: TimeSlice): Promise<Decoded> {
    if (this.offload && this.offloadBytes > 0 && data.length > this.offloadBytes) {
      try {
        const decoded = await this.offload.decode(data, origin, limits, nowMs);
        this.inWorker++;
        return decoded;
      } catch {
        this.workerMissed++;
      }
    }
    return decodeMessageSliced(data, origin, limits, nowMs, slice);
  }
}
