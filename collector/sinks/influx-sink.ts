// The InfluxDB sink: typed data in, line protocol out. Raw events become `inference` lines (the
// hot path, formatted straight to text), windows and other points go through formatLine; the
// batching, 413 splitting, partial-write accounting and refused-line reporting are BatchingSink's.
import type { InferenceEvent } from '../../schemas/inference-event.ts';
import { inferenceLine } from '../points/inference-line.ts';
import { windowPoints } from '../points/window-points.ts';
import type { WindowResult } from '../windows/window-result.ts';
import { BatchingSink, type BatchingOptions, type Transport } from './batching-sink.ts';
import type { Point } from './point.ts';
import type { PointSink, SinkStats } from './sink.ts';

export class InfluxSink implements PointSink {
  readonly name = 'influxdb';
  readonly required = true;
  private readonly lines: BatchingSink;

  constructor(transport: Transport, options: BatchingOptions) {
    this.lines = new BatchingSink(transport, options);
  }

  writeEvents(events: readonly InferenceEvent[], originsMs: readonly number[]): void {
    if (events.length === 0) return;
    const lines: string[] = new Array(events.length);
    for (let i = 0; i < events.length; i++) lines[i] = inferenceLine(events[i]);
    this.lines.writeLines('raw', lines, originsMs);
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
