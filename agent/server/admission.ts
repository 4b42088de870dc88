// Admission control: scans, request bytes and decoded pixels in flight are bounded, so a burst
// of requests (or of small files declaring huge images) waits at the client, as a typed 503
// with Retry-After, instead of in this process's memory.

export const ADMISSION_DEFAULTS = {
  /** Requests on /v1/scan between admission and answer; each may hold a body up to --max-bytes. */
  maxInFlight: 16,
  /** Request bodies being read or scanned (declared Content-Length; a chunked one counts as --max-bytes). */
  maxBytesInFlight: 128 * 1024 * 1024,
  /** Declared width x height of the images being decoded; one 40 Mpx image decodes to ~350 MB. */
  maxPixelsInFlight: 48_000_000,
  /** What Retry-After tells a refused client, in seconds. */
  retryAfterSec: 1,
};

export type AdmissionLimits = typeof ADMISSION_DEFAULTS;
export type RefusalReason = 'in_flight' | 'bytes_in_flight' | 'pixels_in_flight';

export class Admission {
  private scans = 0;
  private bytes = 0;
  private pixels = 0;

  constructor(
    readonly limits: AdmissionLimits = ADMISSION_DEFAULTS,
    private readonly onRefuse: (reason: RefusalReason) => void = () => {},
  ) {}

  /**
   * A slot for one scan whose body holds up to `bytes`, or false (counted). Call leaveScan(bytes)
   * exactly once after a true. A body alone is always admitted (the byte cap applies to it).
   */
  enterScan(bytes: number): boolean {
    if (this.scans >= this.limits.maxInFlight) return this.refuse('in_flight');
    if (this.bytes > 0 && this.bytes + bytes > this.limits.maxBytesInFlight) return this.refuse('bytes_in_flight');
    this.scans++;
    this.bytes += bytes;
    return true;
  }

  leaveScan(bytes: number): void {
    this.scans--;
    this.bytes -= bytes;
  }

  /**
   * Reserves `n` pixels, or false (counted). An image alone is always admitted, so a budget
   * below the per-image cap slows big images down but never refuses them for ever.
   */
  reservePixels(n: number): boolean {
    if (this.pixels > 0 && this.pixels + n > this.limits.maxPixelsInFlight) return this.refuse('pixels_in_flight');
    this.pixels += n;
    return true;
  }

  releasePixels(n: number): void {
    this.pixels -= n;
  }

  snapshot(): { scans: number; bytes: number; pixels: number } {
    return { scans: this.scans, bytes: this.bytes, pixels: this.pixels };
  }

  private refuse(reason: RefusalReason): false {
    this.onRefuse(reason);
    return false;
  }
}
