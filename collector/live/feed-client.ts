// A Node client of the live feed, used by `starwatch tail`, the benchmark and the tests.
import WebSocket from 'ws';
import type { ClientMessage, ServerMessage } from '../../schemas/live.ts';

export interface FeedOptions {
  /** Sent as `Authorization: Bearer`; use `?token=` in the URL to test the browser way. */
  token?: string;
  /** Patterns to subscribe to once the hello arrives. */
  topics?: string[];
  /** Keep every message in `messages` (tests); off for long-running followers. */
  record?: boolean;
  onMessage?: (message: ServerMessage, receivedAt: number) => void;
  /** False makes a peer that ignores pings (to test dead-peer detection). */
  autoPong?: boolean;
}

export interface Closed {
  code: number;
  reason: string;
}

export class FeedClient {
  readonly messages: ServerMessage[] = [];
  readonly closed: Promise<Closed>;
  private closedValue: Closed | undefined;

  private constructor(
    readonly ws: WebSocket,
    private readonly options: FeedOptions,
  ) {
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        this.closedValue = { code, reason: reason.toString() };
        resolve(this.closedValue);
      });
    });
    ws.on('message', (raw) => {
      const receivedAt = performance.timeOrigin + performance.now();
      const message = JSON.parse(raw.toString()) as ServerMessage;
      if (options.record) this.messages.push(message);
      options.onMessage?.(message, receivedAt);
    });
    ws.on('error', () => {}); // the close event carries what happened
  }

  /** Opens the connection; resolves after the server's hello (or with the refusal, if closed first). */
  static async connect(url: string, options: FeedOptions = {}): Promise<FeedClient> {
    const headers: Record<string, string> = options.token ? { authorization: `Bearer ${options.token}` } : {};
    const ws = new WebSocket(url, { headers, autoPong: options.autoPong ?? true, perMessageDeflate: false });
    const client = new FeedClient(ws, options);
    await new Promise<void>((resolve) => {
      const onHello = (raw: WebSocket.RawData) => {
        const m = JSON.parse(raw.toString()) as ServerMessage;
        if (m.type === 'hello') {
          ws.off('message', onHello);
          resolve();
        }
      };
      ws.on('message', onHello);
      void client.closed.then(() => resolve());
    });
    if (options.topics?.length && !client.closedValue) client.subscribe(options.topics);
    return client;
  }

  get closedWith(): Closed | undefined {
    return this.closedValue;
  }

  subscribe(topics: string[], id?: string): void {
    this.send({ v: 1, type: 'subscribe', topics, ...(id ? { id } : {}) });
  }

  unsubscribe(topics: string[], id?: string): void {
    this.send({ v: 1, type: 'unsubscribe', topics, ...(id ? { id } : {}) });
  }

  send(message: ClientMessage | Record<string, unknown> | string): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** Messages of one type (needs `record`). */
  ofType<T extends ServerMessage['type']>(type: T): Extract<ServerMessage, { type: T }>[] {
    return this.messages.filter((m): m is Extract<ServerMessage, { type: T }> => m.type === type);
  }

  close(): Promise<Closed> {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(1000);
    return this.closed;
  }
}
