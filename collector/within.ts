// Closing waits for what is in flight, but never for ever: a store that hangs must not hold a
// shutdown (or a test) hostage. One helper for every "wait at most this long" in the collector.

/** Resolves when `work` settles or after `ms`, whichever comes first; never rejects. */
export async function within(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work.catch(() => undefined), new Promise((r) => (timer = setTimeout(r, ms)))]);
  clearTimeout(timer);
}
