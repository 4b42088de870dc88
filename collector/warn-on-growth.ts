// A count that only grows from 0 (events folded away, scopes deferred) is read every `everyMs`;
// when it grew since the last look, `warn` gets the growth and the total: one log line a period
// at most, however fast it grows. Returns the stop function.
export function warnOnGrowth(read: () => number, warn: (growth: number, total: number) => void, everyMs: number): () => void {
  let seen = 0;
  const timer = setInterval(() => {
    const total = read();
    if (total === seen) return;
    warn(total - seen, total);
    seen = total;
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
