// Typed errors of the V4 path. Every rejection names a stable code that callers, events
// and counters use; the message is for people.

export const V4_ERROR_CODES = [
  'EMPTY_INPUT',
  'TOO_MANY_BYTES',
  'TOO_MANY_PIXELS',
  'UNSUPPORTED_FORMAT',
  'CORRUPT_IMAGE',
  'TRUNCATED_IMAGE',
  'MODEL_ERROR',
  /** More work queued than the bound allows; the caller should retry later. */
  'OVERLOADED',
] as const;

export type V4ErrorCode = (typeof V4_ERROR_CODES)[number];

export class V4Error extends Error {
  override readonly name = 'V4Error';
  constructor(
    readonly code: V4ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isV4Error(e: unknown): e is V4Error {
  return e instanceof V4Error;
}

/** Decoders may throw plain errors on odd input; the caller always gets a typed one. */
export function toV4Error(e: unknown): V4Error {
  if (isV4Error(e)) return e;
  return new V4Error('CORRUPT_IMAGE', `cannot decode the image: ${(e as Error)?.message ?? String(e)}`, { cause: e });
}
