// Messages consumed but not yet acknowledged, by stream sequence, each waiting on the minute
// window its events fall in (a message is acked only when every point it produced, raw and
// windowed, is in InfluxDB). Only the reply subject is kept, not the payload, so holding a
// minute and more of messages costs little memory.

export interface Hold {
  seq: number;
  reply: string;
  /** Start of the latest 1 min window the message contributed to; -Infinity for none. */
  minute: number;
  /** Work that must finish before the ack (dead-letter publishes). */
  pending: Promise<unknown>[];
  touchedMs: number;
}

/**
 * How long an acked message's sequence is remembered. JetStream may have sent a redelivery (its
 * ack wait ran out) before our ack reached it; that copy arrives after the hold is gone, within
 * a pull or two, and must not be counted again.
 */
export const REMEMBER_ACKED_MS = 60_000;

export class AckBook {
  private readonly held = new Map<number, Hold>();
  /** Recently acked sequences and when, oldest first (a Map keeps insertion order). */
  private readonly acked = new Map<number, number>();

  get size(): number {
    return this.held.size;
  }

  /** Stream sequences of the held messages (replica mode publishes them with its partial windows). */
  seqs(): number[] {
    return [...this.held.keys()];
  }

  has(seq: number): boolean {
    return this.held.has(seq);
  }

  hold(hold: Hold): void {
    this.held.set(hold.seq, hold);
  }

  /** A redelivery of a message still held: keep the newest reply subject, count nothing twice. */
  refresh(seq: number, reply: string, nowMs: number): void {
    const hold = this.held.get(seq);
    if (hold) {
      hold.reply = reply;
      hold.touchedMs = nowMs;
    }
  }

  /** Holds whose windows have all closed (minute <= through); they stay in the book until acked. */
  due(through: number): Hold[] {
    const due: Hold[] = [];
    for (const hold of this.held.values()) if (hold.minute <= through) due.push(hold);
    return due;
  }

  /** Holds not touched for `olderThanMs`: the ones whose ack wait should be extended. */
  stale(nowMs: number, olderThanMs: number): Hold[] {
    const stale: Hold[] = [];
    for (const hold of this.held.values()) if (nowMs - hold.touchedMs >= olderThanMs) stale.push(hold);
    return stale;
  }

  /** The holds were acked at `nowMs`: out of the book, remembered for REMEMBER_ACKED_MS. */
  remove(holds: readonly Hold[], nowMs: number): void {
    for (const hold of holds) {
      this.held.delete(hold.seq);
      this.acked.set(hold.seq, nowMs);
    }
    for (const [seq, at] of this.acked) {
      if (nowMs - at < REMEMBER_ACKED_MS) break;
      this.acked.delete(seq);
    }
  }

  /** A message acked within REMEMBER_ACKED_MS: a copy of it now is a redelivery sent before our ack landed. */
  wasAcked(seq: number): boolean {
    return this.acked.has(seq);
  }
}
