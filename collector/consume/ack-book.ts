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

export class AckBook {
  private readonly held = new Map<number, Hold>();

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

  remove(holds: readonly Hold[]): void {
    for (const hold of holds) this.held.delete(hold.seq);
  }
}
