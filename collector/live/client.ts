// One connected WebSocket peer: its subscriptions, liveness and the bound on what it may owe us.
import type { WebSocket } from 'ws';
import { CLOSE, type ServerMessage } from '../../schemas/live.ts';
import { matches, type Pattern } from './patterns.ts';

export type DropReason = 'slow' | 'dead';

export class LiveClient {
  readonly patterns = new Map<string, Pattern>();
  /** Set by a pong, cleared by each ping round: still false at the next round means dead. */
  alive = true;
  dropped = false;

  constructor(
    readonly ws: WebSocket,
    readonly id: number,
    private readonly maxBufferedBytes: number,
  ) {}

  wants(topic: readonly string[]): boolean {
    for (const p of this.patterns.values()) if (matches(p, topic)) return true;
    return false;
  }

  /**
   * Queues a frame unless the peer already owes more than the bound: then false, and the caller
   * drops it. So a peer that stops reading costs at most the bound plus one frame.
   */
  send(frame: Buffer | string): boolean {
    if (this.dropped) return true;
    if (this.ws.bufferedAmount > this.maxBufferedBytes) return false;
    this.ws.send(frame, { binary: false });
    return true;
  }

  sendMessage(message: ServerMessage): boolean {
    return this.send(JSON.stringify(message));
  }

  /**
   * Tells the peer why (a `bye` message and the close reason, queued behind what it has not read
   * yet) and gives it `graceMs` to read them before the socket is cut.
   */
  drop(reason: DropReason, graceMs: number): void {
    if (this.dropped) return;
    this.dropped = true;
    if (reason === 'dead') {
      this.ws.terminate();
      return;
    }
    const why = `slow consumer: more than ${this.maxBufferedBytes} bytes unread`;
    const bye: ServerMessage = { v: 1, type: 'bye', code: CLOSE.slowConsumer, reason: why };
    this.ws.send(JSON.stringify(bye));
    this.ws.close(CLOSE.slowConsumer, why);
    setTimeout(() => this.ws.terminate(), graceMs).unref();
  }
}
