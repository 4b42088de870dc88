// A Node client of the live feed, used by `starwatch tail`, the benchmark and the tests.
import WebSocket from 'ws';
import { CLOSE, type ClientMessage, type ServerMessage } from '../../schemas/live.ts';

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
        this.closedValue = refusedStatus ? refusal(refusedStatus) : { code, reason: reason.toString() };
        resolve(this.closedValue);
      });
    });
    ws.on('message', (raw) => {
      const receivedAt = performance.timeOrigin + performance.now();
      const message = JSON.parse(raw.toString()) as ServerMessage;
      if (options.record) this.messages.push(message);
      options.onMessage?.(message, receivedAt);
    });
    // The server refuses a wrong token before the upgrade, with an HTTP status; ws reports it as
    // an error, and the close event then says it in the protocol's terms (PROTOCOL.md).
    let refusedStatus = 0;
    ws.on('error', (e) => {
      refusedStatus = Number(/Unexpected server response: (\d+)/.exec(e.message)?.[1] ?? 0);
    });
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

function refusal(status: number): Closed {
  if (status === 401 || status === 403) return { code: CLOSE.unauthorized, reason: 'unauthorized: missing or wrong token' };
  if (status === 429) return { code: CLOSE.maxClients, reason: 'too many failed authentications; try again later' };
  return { code: 1006, reason: `refused with HTTP ${status}` };
}
