// Limits enforced before any decoding work is spent.

export interface DecodeLimits {
  /** Largest accepted file, in bytes. */
  maxBytes: number;
  /** Largest accepted width x height, read from the header before decoding. */
  maxPixels: number;
}

export const DEFAULT_LIMITS: DecodeLimits = {
  maxBytes: 20 * 1024 * 1024,
  maxPixels: 40_000_000,
};
