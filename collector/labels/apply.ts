// Applies late labels: finds each labelled event among the stored raw events (within their
// retention) by its event_id or by the request_id its client sent (every event of that request,
// primary and shadow alike), stores the label (a `late_label` point per event, at the event's
// time), and rewrites the labelled fields of the 1 min, 10 s and 1 s `window` points those events
// fall in, and the rollout comparison windows of those events' agents (relabel-rollout.ts),
// recomputed from every event and label of the minute (relabel.ts), so a label applied twice
// changes nothing. Those are whole-minute figures, so they are written under one replica
// tag: the single replica's, or `cluster` for the merged windows of replica mode; the partial
// windows of several replicas without replica mode are not split.
import { InfluxQL, type Series } from '../sinks/influxql.ts';
import { MEASUREMENTS } from '../../schemas/measurements.ts';
import type { Point } from '../sinks/point.ts';
import type { PointSink } from '../sinks/sink.ts';
import { isCountField } from '../windows/accumulator.ts';
import { labelTarget, type LateLabel } from './late-label.ts';
import { labelledFields, type StoredEvent } from './relabel.ts';
import { relabelledRolloutPoints, rolloutWindowOf } from './relabel-rollout.ts';
import { COMPARER_DEFAULTS } from '../rollout/comparer.ts';

// Windows are kept for the windows retention (400 d by default), longer than the raw events a
// label needs, so every granularity of a labelled event is still there to rewrite.
const SIZES = [
  { granularity: '1m', ms: 60_000 },
  { granularity: '10s', ms: 10_000 },
  { granularity: '1s', ms: 1_000 },
] as const;
const MINUTE = 60_000;
const RAW_COLUMNS = `"event_id", "request_id", "is_stego", "agent", "model_version", "label", "label_method"`;

export interface ApplyDeps {
  query: (q: string) => Promise<Series[][]>;
  sink: PointSink;
  /** Retention policy of the raw `inference` points. */
  rpRaw: string;
  /** The replica tag of the windows rewritten: this replica's, or `cluster` in replica mode. */
  replica: string;
  /**
   * How long after its end a minute may still be written whole by the windows (late events,
   * lateness, the replica merge): a label for a younger minute is applied again after that.
   * 0 = never (labels only for minutes long written). collector/labels/settle.ts derives it.
   */
  settleMs?: number;
  /** The rollout comparison's window (rollout.windowMs): which of its windows a minute's labels reach. */
  rolloutWindowMs?: number;
  /** Told after each settled rewrite (windows written, or the error): logs and tests. */
  onSettled?: (minuteMs: number, windows: number, error?: Error) => void;
  now?: () => number;
}

export interface ApplyResult {
  applied: number;
  /** Event and request ids not found among the stored events (never sent, or past the raw retention). */
  unknown: string[];
  windowsRewritten: number;
  /** Seconds from each labelled event to its label. */
  delaysS: number[];
}

const escapeRegex = (s: string): string => s.replace(/[.\\^$|()[\]{}*+?/-]/g, '\\$&');

/** A nanosecond offset from the event id: labels of two events in the same millisecond stay apart. */
function nsOffset(id: string): number {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) % 1_000_000;
  return h;
}

function storedEvent(row: Record<string, unknown>): StoredEvent {
  const category = row.label === 'clean' || row.label === 'stego' ? row.label : null;
  const method = typeof row.label_method === 'string' && row.label_method !== 'none' ? row.label_method : null;
  return {
    timeMs: Number(row.time),
    eventId: String(row.event_id),
    requestId: typeof row.request_id === 'string' ? row.request_id : null,
    agent: String(row.agent),
    modelVersion: String(row.model_version),
    isStego: typeof row.is_stego === 'boolean' ? row.is_stego : null,
    label: category ? { category, method } : null,
  };
}

interface StoredSpan {
  stored: StoredEvent[];
  late: Map<string, StoredEvent['label']>;
}

export class LateLabelApplier {
  /** Minutes waiting to be rewritten once settled (settleLater). */
  private readonly settling = new Map<number, NodeJS.Timeout>();

  constructor(private readonly d: ApplyDeps) {}

  async apply(labels: readonly LateLabel[]): Promise<ApplyResult> {
    const now = (this.d.now ?? Date.now)();
    const found = await this.find(`"${this.d.rpRaw}"."${MEASUREMENTS.inference}"`, labels);
    const inHand = new Map<string, StoredEvent['label']>();
    const points: Point[] = [];
    const delaysS: number[] = [];
    const unknown = new Set<string>();
    let applied = 0;
    for (const l of labels) {
      const target = labelTarget(l);
      const matched = target.by === 'event_id' ? found.byEventId.get(target.id) : found.byRequestId.get(target.id);
      if (!matched) {
        unknown.add(target.id);
        continue;
      }
      applied++;
      const label = { category: l.truth, method: l.truth === 'stego' ? (l.method ?? null) : null };
      for (const event of matched) {
        inHand.set(event.eventId, label);
        const delayS = Math.max(0, (now - event.timeMs) / 1000);
        delaysS.push(delayS);
        points.push({
          measurement: MEASUREMENTS.lateLabel,
          tags: { source: l.source, truth: l.truth },
          // delay_s as well as labelled_ms: InfluxQL cannot subtract a point's time from a field.
          fields: { event_id: event.eventId, method: label.method ?? 'none', labelled_ms: BigInt(now), delay_s: delayS },
          timestampNs: (BigInt(event.timeMs) * 1_000_000n + BigInt(nsOffset(event.eventId))).toString(),
        });
      }
    }
    const events = found.all;
    const minutes = [...new Set([...inHand.keys()].map((id) => { const t = (events.get(id) as StoredEvent).timeMs; return t - (t % MINUTE); }))];
    let windowsRewritten = 0;
    for (const minute of minutes) windowsRewritten += await this.rewriteMinute(minute, inHand, points);
    this.d.sink.write(points);
    for (const minute of minutes) this.settleLater(minute, now);
    return { applied, unknown: [...unknown], windowsRewritten, delaysS };
  }

  /** Cancels the rewrites still waiting for their minutes to settle. */
  stop(): void {
    for (const timer of this.settling.values()) clearTimeout(timer);
    this.settling.clear();
  }

  /** The labelled fields of every window of the minute, from its stored events and every label known for them. */
  private async rewriteMinute(minute: number, inHand: ReadonlyMap<string, StoredEvent['label']>, points: Point[]): Promise<number> {
    const known = await this.storedBetween(minute, minute + MINUTE, inHand);
    let rewritten = 0;
    for (const size of SIZES) {
      for (const { key, fields } of labelledFields(known.stored, known.late, size.ms).values()) {
        const tags = { granularity: size.granularity, agent: key.agent, model_version: key.modelVersion, replica: this.d.replica };
        const typed = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, isCountField(k) ? BigInt(v) : v]));
        points.push({ measurement: MEASUREMENTS.window, tags, fields: typed, timestampNs: `${key.startMs}000000` });
        rewritten++;
      }
    }
    return rewritten + (await this.rewriteRollout(minute, inHand, known, points));
  }

  /** The rollout comparison windows that overlap the minute (the gate and the Rollout board read them). */
  private async rewriteRollout(minute: number, inHand: ReadonlyMap<string, StoredEvent['label']>, known: StoredSpan, points: Point[]): Promise<number> {
    const sizeMs = this.d.rolloutWindowMs ?? COMPARER_DEFAULTS.windowMs;
    const [series] = await this.d.query(
      `SELECT "window_ms", "agent", "primary", "candidate" FROM "${MEASUREMENTS.rollout}" WHERE time > ${minute - sizeMs}ms AND time < ${minute + MINUTE}ms`,
    );
    const windows = InfluxQL.rows(series ?? []).flatMap((row) => rolloutWindowOf(row) ?? []);
    if (windows.length === 0) return 0;
    const fromMs = Math.min(...windows.map((w) => w.startMs));
    const toMs = Math.max(...windows.map((w) => w.startMs + w.sizeMs));
    const span = fromMs < minute || toMs > minute + MINUTE ? await this.storedBetween(fromMs, toMs, inHand) : known;
    const rewritten = relabelledRolloutPoints(windows, span.stored, span.late);
    points.push(...rewritten);
    return rewritten.length;
  }

  /** The stored events of a span of time and the latest label of each (those in hand win). */
  private async storedBetween(fromMs: number, toMs: number, inHand: ReadonlyMap<string, StoredEvent['label']>): Promise<StoredSpan> {
    const raw = `"${this.d.rpRaw}"."${MEASUREMENTS.inference}"`;
    const range = `time >= ${fromMs}ms AND time < ${toMs}ms`;
    const [inSpan, labelled] = await this.d.query(
      `SELECT ${RAW_COLUMNS} FROM ${raw} WHERE ${range}; SELECT "event_id", "truth", "method", "labelled_ms" FROM "${MEASUREMENTS.lateLabel}" WHERE ${range}`,
    );
    const late = latestLabels(InfluxQL.rows(labelled ?? []));
    for (const [id, label] of inHand) late.set(id, label);
    return { stored: InfluxQL.rows(inSpan ?? []).map(storedEvent), late };
  }

  /**
   * A minute that may still be written whole (open, taking late events, or not yet merged in
   * replica mode) would lose the rewrite under the live labels: it is rewritten once more, from
   * the stored labels, settleMs after the label (the derived value has a minute to spare for a
   * minute still open). One timer per minute; lost if this replica stops (the labels stay stored).
   */
  private settleLater(minute: number, now: number): void {
    const settleMs = this.d.settleMs ?? 0;
    if (settleMs <= 0 || minute + MINUTE + settleMs <= now || this.settling.has(minute)) return;
    const timer = setTimeout(() => {
      this.settling.delete(minute);
      const points: Point[] = [];
      this.rewriteMinute(minute, new Map(), points)
        .then((n) => {
          this.d.sink.write(points);
          this.d.onSettled?.(minute, n);
        })
        .catch((e: Error) => this.d.onSettled?.(minute, 0, e));
    }, settleMs);
    timer.unref();
    this.settling.set(minute, timer);
  }

  /** The stored events the labels name, by event id and by request id (a request may have two). */
  private async find(raw: string, labels: readonly LateLabel[]): Promise<{ all: Map<string, StoredEvent>; byEventId: Map<string, StoredEvent[]>; byRequestId: Map<string, StoredEvent[]> }> {
    const wanted = { event_id: new Set<string>(), request_id: new Set<string>() };
    for (const l of labels) {
      const t = labelTarget(l);
      wanted[t.by].add(t.id);
    }
    const clauses = (['event_id', 'request_id'] as const)
      .filter((by) => wanted[by].size > 0)
      .map((by) => `"${by}" =~ /^(${[...wanted[by]].map(escapeRegex).join('|')})$/`);
    const [rows] = await this.d.query(`SELECT ${RAW_COLUMNS} FROM ${raw} WHERE ${clauses.join(' OR ')}`);
    const all = new Map(InfluxQL.rows(rows ?? []).map((r) => [String(r.event_id), storedEvent(r)]));
    const byEventId = new Map<string, StoredEvent[]>();
    const byRequestId = new Map<string, StoredEvent[]>();
    for (const e of all.values()) {
      if (wanted.event_id.has(e.eventId)) byEventId.set(e.eventId, [e]);
      if (e.requestId && wanted.request_id.has(e.requestId)) byRequestId.set(e.requestId, [...(byRequestId.get(e.requestId) ?? []), e]);
    }
    return { all, byEventId, byRequestId };
  }
}

/** The last label given to each event (by when it was given). */
function latestLabels(rows: Record<string, unknown>[]): Map<string, StoredEvent['label']> {
  const out = new Map<string, { at: number; label: StoredEvent['label'] }>();
  for (const r of rows) {
    const at = Number(r.labelled_ms);
    const id = String(r.event_id);
    if ((out.get(id)?.at ?? -1) > at) continue;
    const category = r.truth === 'stego' ? 'stego' : 'clean';
    const method = typeof r.method === 'string' && r.method !== 'none' ? r.method : null;
    out.set(id, { at, label: { category, method } });
  }
  return new Map([...out].map(([id, v]) => [id, v.label]));
}
