// Tumbling windows of 1 s, 10 s and 1 min by event time, per (model_version, agent), rolled up
// per model version (agent `*`), per agent (model version `*`: a board with one agent picked reads
// it) and overall (`*`, `*`, always the last of its window start). An event is added to the finest of its
// windows that is still open (normally its 1 s window); a closing window merges into its parent,
// so each event is counted once and the rest is merges.
//
// Watermark: the highest event time seen, never moving back; when no newer event arrives for
// idleGraceMs of wall time it moves on with the wall clock, so a quiet stream still closes its
// windows; but never while events are known to be waiting (pulling paused, a backlog in the
// stream, NATS away): then a quiet consumer is not a quiet stream. A window closes when watermark >= end + allowedLateness, and once closed (and
// written) it is never reopened: an event whose 1 min window has closed is late, counted in the
// `late` field of the oldest open 1 s window of its key (its raw point is still written). An
// event that missed only its 1 s (or 10 s) window still counts in its 10 s and 1 min windows.
import { GRANULARITIES, type Granularity } from '../../schemas/measurements.ts';
import type { InferenceEvent } from '../../schemas/inference-event.ts';
import { WindowAccumulator } from './accumulator.ts';
import { ClosedMinutes } from './closed-minutes.ts';
import { GRANULARITY_MS, type WindowResult } from './window-result.ts';
import { KEY_SEP, rollUps } from './roll-ups.ts';

export interface EngineOptions {
  allowedLatenessMs: number;
  idleGraceMs: number;
  replica: string;
  /** Latency target: events slower than this are counted in each window's `slow` field. */
  slowMs?: number;
  /**
   * Replica mode: an event whose window has closed reopens it (closed again, as a correction, at
   * the next advance) instead of going to a coarser window or only counting in `late`, so a
   * message redelivered from a dead replica counts in the merged windows of every granularity.
   */
  reopenLate?: boolean;
  /** Closed minutes ending less than this behind the watermark still take late events (0 = none). */
  rewriteHorizonMs?: number;
}

type Open = Map<number, Map<string, WindowAccumulator>>;

const SEP = KEY_SEP;
const PARENT: Partial<Record<Granularity, Granularity>> = { '1s': '10s', '10s': '1m' };

export class WindowEngine {
  private maxEventMs = Number.NEGATIVE_INFINITY;
  private wallAtMax = 0;
  private wm = Number.NEGATIVE_INFINITY;
  /** Per granularity: every window starting at or before this has closed. */
  private readonly closedThrough: Record<Granularity, number> = {
    '1s': Number.NEGATIVE_INFINITY,
    '10s': Number.NEGATIVE_INFINITY,
    '1m': Number.NEGATIVE_INFINITY,
  };
  private readonly open: Record<Granularity, Open> = { '1s': new Map(), '10s': new Map(), '1m': new Map() };
  lateEvents = 0;
  /** Late events merged into a closed minute, which is then written again (closed-minutes.ts). */
  lateMerged = 0;
  private readonly closedMinutes: ClosedMinutes;
  private suspendedUntil = 0;
  private backlogged = false;
  /** The last accumulator found by openAccumulator; forgotten whenever windows may close. */
  private last: { g: Granularity; start: number; version: string; agent: string; acc: WindowAccumulator } | undefined;

  constructor(private readonly options: EngineOptions) {
    this.closedMinutes = new ClosedMinutes(options.rewriteHorizonMs ?? 0, options.slowMs);
  }

  /**
   * Counts one event. Returns the start of the 1 min window its contribution sits in: the
   * event's ack must wait until that window has closed and been written.
   */
  /**
   * Recovery after a crash: until `wallMs` nothing closes, so messages the dead instance held
   * (redelivered once their ack wait runs out) still land in their open windows, which are then
   * written whole.
   */
  suspendUntil(wallMs: number): void {
    this.suspendedUntil = wallMs;
  }

  get suspended(): boolean {
    return this.suspendedUntil > 0;
  }

  /**
   * Recovery after a crash: windows up to `start` were written by the previous instance (all
   * their events included), so they must not be computed again from a redelivered part.
   */
  restoreClosed(g: Granularity, start: number): void {
    if (start > this.closedThrough[g]) this.closedThrough[g] = start;
  }

  add(event: InferenceEvent, tsMs: number, wallMs: number): number {
    this.seen(tsMs, wallMs);
    if (this.options.reopenLate) return this.addReopening(event, tsMs);
    for (const g of GRANULARITIES) {
      const start = floor(tsMs, GRANULARITY_MS[g]);
      if (start > this.closedThrough[g]) {
        this.openAccumulator(g, start, event).add(event);
        return floor(tsMs, 60_000);
      }
    }
    const minute = floor(tsMs, 60_000);
    if (this.closedMinutes.add(minute, event.model.version + SEP + event.agent_id, event)) {
      // Its minute is written again by the next advance(), before any ack is released.
      this.lateMerged++;
      return minute;
    }
    this.lateEvents++;
    const open = this.closedThrough['1s'] + 1000;
    this.openAccumulator('1s', open, event).late++;
    return floor(open, 60_000);
  }

  /**
   * An event counted elsewhere (replica mode counts a redelivered message apart) still moves the
   * watermark, so the windows it falls in close here too and its hold is released.
   */
  seen(tsMs: number, wallMs: number): void {
    if (tsMs > this.maxEventMs) {
      this.maxEventMs = tsMs;
      this.wallAtMax = wallMs;
    }
  }

  /**
   * Replica mode: always into the event's own 1 s window, reopened if it has closed (then closed
   * again at the next advance, merging up into its 10 s and 1 min windows, reopened too if need
   * be). Every granularity stays exact when a dead replica's messages come back late.
   */
  private addReopening(event: InferenceEvent, tsMs: number): number {
    if (floor(tsMs, 60_000) <= this.closedThrough['1m']) this.lateEvents++;
    this.openAccumulator('1s', floor(tsMs, 1000), event).add(event);
    return floor(tsMs, 60_000);
  }

  /**
   * Says whether events are waiting that this instance has not seen yet. While they are, the
   * watermark does not move on with the wall clock; when they stop, the idle grace starts anew.
   */
  setBacklogged(backlogged: boolean, wallMs: number): void {
    if (this.backlogged && !backlogged) this.wallAtMax = Math.max(this.wallAtMax, wallMs);
    this.backlogged = backlogged;
  }

  watermark(wallMs: number): number {
    const idle = this.backlogged ? 0 : wallMs - this.wallAtMax - this.options.idleGraceMs;
    const candidate = idle > 0 ? this.maxEventMs + idle : this.maxEventMs;
    if (candidate > this.wm) this.wm = candidate;
    return this.wm;
  }

  /** Per granularity, the start through which windows are closed (closed-marks.ts); none yet left out. */
  closedMarks(): Partial<Record<Granularity, number>> {
    const marks: Partial<Record<Granularity, number>> = {};
    for (const g of GRANULARITIES) if (Number.isFinite(this.closedThrough[g])) marks[g] = this.closedThrough[g];
    return marks;
  }

  /**
   * Minute windows starting at or before this are closed (their results returned by advance()),
   * so holds waiting on them may be released once those results are written.
   */
  closedMinutesThrough(): number {
    return this.closedThrough['1m'];
  }

  /** Closes every window the watermark has passed; results come finest first, oldest first. */
  advance(wallMs: number): WindowResult[] {
    const wm = this.watermark(wallMs);
    if (wallMs < this.suspendedUntil) return [];
    this.last = undefined;
    this.suspendedUntil = 0;
    const results: WindowResult[] = [];
    for (const g of GRANULARITIES) {
      const size = GRANULARITY_MS[g];
      const through = Math.max(this.closedThrough[g], floor(wm - this.options.allowedLatenessMs, size) - size);
      this.closedThrough[g] = through;
      const due = [...this.open[g].keys()].filter((s) => s <= through);
      for (const start of due.sort((a, b) => a - b)) {
        const keys = this.open[g].get(start)!;
        this.open[g].delete(start);
        if (g === '1m') this.closedMinutes.keep(start, keys);
        results.push(...this.close(g, start, keys));
      }
    }
    this.closedMinutes.prune(wm);
    return results;
  }

  /**
   * Closed minutes that took late events since the last call, as whole windows to write again
   * over their first write. Only for the sink: subscribers saw each window once, at close.
   */
  rewrites(): WindowResult[] {
    return this.closedMinutes.takeDirty().flatMap(({ start, keys }) => this.rollUps('1m', start, keys));
  }

  /** Open windows, for tests and metrics. */
  openCount(): number {
    return GRANULARITIES.reduce((n, g) => n + this.open[g].size, 0);
  }

  private close(g: Granularity, start: number, keys: Map<string, WindowAccumulator>): WindowResult[] {
    const parent = PARENT[g];
    // Replica mode: into the parent itself, reopened if closed (see addReopening).
    if (parent && this.options.reopenLate) for (const [key, acc] of keys) this.accumulator(parent, floor(start, GRANULARITY_MS[parent]), key).merge(acc);
    else if (parent) for (const [key, acc] of keys) this.mergeUp(parent, start, key, acc);
    return this.rollUps(g, start, keys);
  }

  /** The window of each key, then per model version, per agent and overall. */
  private rollUps(g: Granularity, start: number, keys: Map<string, WindowAccumulator>): WindowResult[] {
    return rollUps(g, start, keys, this.options.replica);
  }

  /** Into the finest open ancestor: after a restore, a parent may already have been written. */
  private mergeUp(parent: Granularity | undefined, start: number, key: string, acc: WindowAccumulator): void {
    for (let g = parent; g; g = PARENT[g]) {
      const parentStart = floor(start, GRANULARITY_MS[g]);
      if (parentStart > this.closedThrough[g]) {
        this.accumulator(g, parentStart, key).merge(acc);
        return;
      }
    }
  }

  /**
   * The accumulator of the event's key in window (g, start). Events come in runs of one agent,
   * model and second (a batch), so the last one found is tried first: no key string per event.
   */
  private openAccumulator(g: Granularity, start: number, event: InferenceEvent): WindowAccumulator {
    const version = event.model.version;
    const agent = event.agent_id;
    const last = this.last;
    if (last !== undefined && last.g === g && last.start === start && last.version === version && last.agent === agent) return last.acc;
    const acc = this.accumulator(g, start, version + SEP + agent);
    this.last = { g, start, version, agent, acc };
    return acc;
  }

  private accumulator(g: Granularity, start: number, key: string): WindowAccumulator {
    let keys = this.open[g].get(start);
    if (!keys) this.open[g].set(start, (keys = new Map()));
    let acc = keys.get(key);
    if (!acc) keys.set(key, (acc = new WindowAccumulator(this.options.slowMs)));
    return acc;
  }
}

const floor = (ms: number, size: number): number => Math.floor(ms / size) * size;
