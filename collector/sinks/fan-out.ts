// Several stores behind the one seam: every write goes to every sink; flush (what acks wait for)
// and backlog (what pauses pulling) follow only the required ones, so an optional store that is
// slow or down never holds the stream back. Its failures stay visible in its own stats.
import type { InferenceEvent } from '../../schemas/inference-event.ts';
import type { WindowResult } from '../windows/window-result.ts';
import type { Point } from './point.ts';
import type { PointSink, SinkStats } from './sink.ts';

export class FanOutSink implements PointSink {
  readonly name: string;
  readonly required: boolean;
  private readonly requiredSinks: readonly PointSink[];

  constructor(readonly sinks: readonly PointSink[]) {
    if (sinks.length === 0) throw new Error('FanOutSink needs at least one sink');
    this.requiredSinks = sinks.filter((s) => s.required);
    this.required = this.requiredSinks.length > 0;
    this.name = sinks.map((s) => s.name).join('+');
  }

  writeEvents(events: readonly InferenceEvent[], originsMs: readonly number[]): void {
    for (const sink of this.sinks) sink.writeEvents(events, originsMs);
  }

  writeWindow(window: WindowResult): void {
    for (const sink of this.sinks) sink.writeWindow(window);
  }

  write(points: readonly Point[]): void {
    for (const sink of this.sinks) sink.write(points);
  }

  /** Waits for every required sink; optional sinks are flushed too but never waited for. */
  async flush(): Promise<void> {
    for (const sink of this.sinks) if (!sink.required) void sink.flush().catch(() => undefined);
    await Promise.all(this.requiredSinks.map((s) => s.flush()));
  }

  sendOpen(): void {
    for (const sink of this.sinks) sink.sendOpen();
  }

  /** The largest backlog of a required sink: the one flow control must wait for. */
  get backlog(): number {
    let most = 0;
    for (const sink of this.requiredSinks) most = Math.max(most, sink.backlog);
    return most;
  }

  /** The required sinks' figures summed (optional sinks report through their own stats). */
  get stats(): SinkStats {
    const counted = this.required ? this.requiredSinks : this.sinks;
    const sum = (pick: (s: SinkStats) => number) => counted.reduce((n, s) => n + pick(s.stats), 0);
    return {
      pointsAccepted: sum((s) => s.pointsAccepted),
      batchesAccepted: sum((s) => s.batchesAccepted),
      writeErrors: sum((s) => s.writeErrors),
      pointsRejected: sum((s) => s.pointsRejected),
      batchesSplit: sum((s) => s.batchesSplit),
      pointsDropped: sum((s) => s.pointsDropped),
      lastError: counted.map((s) => s.stats.lastError).find((e) => e !== null) ?? null,
      lastAcceptedMs: Math.max(...counted.map((s) => s.stats.lastAcceptedMs)),
    };
  }

  async close(graceMs?: number): Promise<void> {
    await Promise.all(this.sinks.map((s) => s.close(graceMs)));
  }
}
