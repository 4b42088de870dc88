// The InfluxDB sink: typed data in, line protocol out. Raw events become `inference` lines (the
// hot path, formatted straight to text), windows and other points go through formatLine; the
// batching, 413 splitting, partial-write accounting and refused-line reporting are BatchingSink's.
import type { InferenceEvent } from '../../schemas/inference-event.ts';
import { inferenceLine } from '../points/inference-line.ts';
import { windowPoints } from '../points/window-points.ts';
import type { WindowResult } from '../windows/window-result.ts';
import { BatchingSink, type BatchingOptions, type Transport } from './batching-sink.ts';
import type { Point } from './point.ts';
import { keepRaw } from './raw-policy.ts';
import type { PointSink, SinkStats } from './sink.ts';

export class InfluxSink implements PointSink {
  readonly name = 'influxdb';
  readonly required = true;
  private readonly lines: BatchingSink;
  /** Clean negatives left out of raw storage by the raw share (raw-policy.ts). */
  rawSampledOut = 0;

  /** `rawShare`: share of clean negatives kept as raw points (1 = every event). */
  constructor(transport: Transport, options: BatchingOptions, private readonly rawShare = 1) {
    // Windows are written again over their first write (late events, late labels): in order.
    this.lines = new BatchingSink(transport, { ...options, inOrder: ['windows'] });
  }

  writeEvents(events: readonly InferenceEvent[], originsMs: readonly number[]): void {
    if (events.length === 0) return;
    if (this.rawShare < 1) return this.writeSampled(events, originsMs);
    const lines: string[] = new Array(events.length);
    for (let i = 0; i < events.length; i++) lines[i] = inferenceLine(events[i]);
    this.lines.writeLines('raw', lines, originsMs);
  }

  private writeSampled(events: readonly InferenceEvent[], originsMs: readonly number[]): void {
    const lines: string[] = [];
    const origins: number[] = [];
    for (let i = 0; i < events.length; i++) {
      if (!keepRaw(events[i], this.rawShare)) continue;
      lines.push(inferenceLine(events[i]));
      origins.push(originsMs[i]);
    }
    this.rawSampledOut += events.length - lines.length;
    this.lines.writeLines('raw', lines, origins);
  }

  writeWindow(window: WindowResult): void {
    this.lines.write(windowPoints(window));
  }

  write(points: readonly Point[]): void {
    this.lines.write(points);
  }

  flush(): Promise<void> {
    return this.lines.flush();
  }

  sendOpen(): void {
    this.lines.sendOpen();
  }

  get backlog(): number {
    return this.lines.backlog;
  }

  get stats(): SinkStats {
    return this.lines.stats;
  }

  close(graceMs?: number): Promise<void> {
    return this.lines.close(graceMs);
  }
}
