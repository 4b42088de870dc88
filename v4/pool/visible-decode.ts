/**
 * The decoding an image waited for, in ms: the part of [started, started + decodeMs] after
 * `busyUntil`, when the inference before it released the thread. A scan worker decodes an image
 * (libvips, on a libuv thread) while the image before it is inferred on the worker's own thread,
 * so the decoded pixels cannot be taken up before that inference ends; counting the overlap would
 * show that wait as decoding (about twice the decode time at 4 in flight, bench v4).
 */
export function visibleDecodeMs(started: number, decodeMs: number, busyUntil: number): number {
  return Math.max(0, started + decodeMs - Math.max(started, busyUntil));
}
