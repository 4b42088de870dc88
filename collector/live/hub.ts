// The live feed: WebSocket clients subscribe to topic patterns; the collector publishes; each
// client gets the latest value of every matching topic on subscribe, then every update.
// Protocol: collector/live/PROTOCOL.md. Messages: schemas/live.ts.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { CLOSE, ClientMessage, type LiveErrorCode, type ServerMessage } from '../../schemas/live.ts';
import { validator } from '../../schemas/validate.ts';
import { LiveClient } from './client.ts';
import { parsePattern } from './patterns.ts';

export interface LiveHubOptions {
  /** Connections past this are refused with close code 1013. */
  maxClients: number;
  /** A client owing more than this many bytes is dropped as a slow consumer. */
  maxBufferedBytes: number;
  maxSubscriptions: number;
  /** Largest client message; larger ones close the connection (1009). */
  maxMessageBytes: number;
  /** Ping every this often; a client that misses a whole round is cut. */
  pingIntervalMs: number;
  /**
   * Latest values kept for snapshots. Past it, topics published only once go first (oldest
   * first), so a flood of one-off junk topics cannot push out those of real traffic, which are
   * published window after window; only then the least recently published repeated topic.
   */
  maxRetainedTopics: number;
  /** How long a dropped slow client has to read its `bye` before the socket is cut. */
  slowGraceMs: number;
  /** Decides whether an upgrade request may connect (token check); absent = everyone may. */
  authorize?: (req: IncomingMessage) => boolean;
}

export const DEFAULT_LIVE_OPTIONS: LiveHubOptions = {
  maxClients: 1000,
  maxBufferedBytes: 1 << 20,
  maxSubscriptions: 64,
  maxMessageBytes: 16 * 1024,
  pingIntervalMs: 15_000,
  maxRetainedTopics: 10_000,
  slowGraceMs: 5_000,
};

export interface LiveHubStats {
  clients: number;
  published: number;
  delivered: number;
  retainedTopics: number;
  droppedSlow: number;
  droppedDead: number;
  refusedUnauthorized: number;
  refusedFull: number;
  badMessages: number;
}

interface Retained {
  ts: number;
  data: unknown;
}

const checkClientMessage = validator(ClientMessage);

export class LiveHub {
  readonly options: LiveHubOptions;
  private readonly wss: WebSocketServer;
  private readonly clients = new Set<LiveClient>();
  private readonly retained = new RetainedTopics();
  private readonly counters = {
    published: 0,
    delivered: 0,
    droppedSlow: 0,
    droppedDead: 0,
    refusedUnauthorized: 0,
    refusedFull: 0,
    badMessages: 0,
  };
  private readonly pinger: NodeJS.Timeout;
  private nextId = 1;

  constructor(options: Partial<LiveHubOptions> = {}) {
    this.options = { ...DEFAULT_LIVE_OPTIONS, ...options };
    this.wss = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      perMessageDeflate: false, // compression per client would cost CPU per client per update
      maxPayload: this.options.maxMessageBytes,
    });
    this.pinger = setInterval(() => this.pingRound(), this.options.pingIntervalMs);
    this.pinger.unref();
  }

  /** Hand an HTTP upgrade request here (the API server does, for its WebSocket path). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // Refused before the upgrade: a stranger never holds a WebSocket (clients see 401 as 4401).
    if (this.options.authorize && !this.options.authorize(req)) {
      this.counters.refusedUnauthorized++;
      socket.end('HTTP/1.1 401 Unauthorized\r\nconnection: close\r\nwww-authenticate: Bearer\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.admit(ws));
  }

  /** Sends `data` to every client subscribed to a matching pattern and keeps it for snapshots. */
  publish(topic: string, data: unknown): void {
    const ts = Date.now();
    this.retain(topic, { ts, data });
    this.counters.published++;
    const segments = topic.split('.');
    let frame: Buffer | undefined; // serialised once, only if someone wants it
    for (const client of this.clients) {
      if (client.dropped || !client.wants(segments)) continue;
      frame ??= Buffer.from(JSON.stringify({ v: 1, type: 'update', topic, ts, data }));
      this.deliver(client, frame);
    }
  }

  /** The latest value published on `topic`, if any. */
  latest(topic: string): unknown {
    return this.retained.get(topic)?.data;
  }

  stats(): LiveHubStats {
    return { clients: this.clients.size, retainedTopics: this.retained.size, ...this.counters };
  }

  /** Closes every client (1001) and stops pinging. */
  async close(): Promise<void> {
    clearInterval(this.pinger);
    for (const client of this.clients) client.ws.close(CLOSE.goingAway, 'collector shutting down');
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private admit(ws: WebSocket): void {
    if (this.clients.size >= this.options.maxClients) {
      this.counters.refusedFull++;
      ws.close(CLOSE.maxClients, `too many clients (max ${this.options.maxClients}); try again later`);
      return;
    }
    const client = new LiveClient(ws, this.nextId++, this.options.maxBufferedBytes);
    this.clients.add(client);
    ws.on('pong', () => (client.alive = true));
    ws.on('message', (raw, isBinary) => this.onMessage(client, raw, isBinary));
    ws.on('close', () => this.clients.delete(client));
    ws.on('error', () => this.clients.delete(client)); // e.g. a message over maxPayload; ws closes it
    client.sendMessage({
      v: 1,
      type: 'hello',
      protocol: 1,
      topics: [...this.retained.keys()],
      limits: { maxSubscriptions: this.options.maxSubscriptions, maxMessageBytes: this.options.maxMessageBytes },
    });
  }

  private onMessage(client: LiveClient, raw: RawData, isBinary: boolean): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(isBinary ? '' : raw.toString());
    } catch {
      return this.refuse(client, 'bad_json', 'messages are JSON text');
    }
    const check = checkClientMessage(parsed);
    if (!check.ok) return this.refuse(client, 'bad_message', `not a v1 subscribe/unsubscribe: ${check.reason}`);
    const message = check.value;
    if (message.type === 'subscribe') this.subscribe(client, message.topics, message.id);
    else this.unsubscribe(client, message.topics, message.id);
  }

  private subscribe(client: LiveClient, texts: string[], id?: string): void {
    const parsed = texts.map(parsePattern);
    const bad = parsed.find((p) => !p.ok);
    if (bad && !bad.ok) return this.refuse(client, 'bad_pattern', bad.reason, id);
    const fresh = texts.filter((t) => !client.patterns.has(t));
    if (client.patterns.size + new Set(fresh).size > this.options.maxSubscriptions) {
      return this.refuse(client, 'too_many_subscriptions', `at most ${this.options.maxSubscriptions} patterns`, id);
    }
    // Topics already covered before this request got their snapshot then; only new ones get one now.
    const before = [...this.retained.keys()].filter((t) => client.wants(t.split('.')));
    const known = new Set(before);
    for (let i = 0; i < texts.length; i++) {
      const p = parsed[i];
      if (p.ok) client.patterns.set(texts[i], p.pattern);
    }
    client.sendMessage({ v: 1, type: 'subscribed', topics: [...client.patterns.keys()], ...(id ? { id } : {}) });
    for (const [topic, value] of this.retained) {
      if (known.has(topic) || !client.wants(topic.split('.'))) continue;
      const frame = JSON.stringify({ v: 1, type: 'snapshot', topic, ts: value.ts, data: value.data });
      if (!this.deliver(client, frame)) return;
    }
  }

  private unsubscribe(client: LiveClient, texts: string[], id?: string): void {
    for (const t of texts) client.patterns.delete(t);
    client.sendMessage({ v: 1, type: 'unsubscribed', topics: [...client.patterns.keys()], ...(id ? { id } : {}) });
  }

  private refuse(client: LiveClient, code: LiveErrorCode, message: string, id?: string): void {
    this.counters.badMessages++;
    const reply: ServerMessage = { v: 1, type: 'error', code, message, ...(id ? { id } : {}) };
    client.sendMessage(reply);
  }

  /** False when the client was dropped for owing too much. */
  private deliver(client: LiveClient, frame: Buffer | string): boolean {
    if (client.send(frame)) {
      this.counters.delivered++;
      return true;
    }
    this.counters.droppedSlow++;
    this.clients.delete(client);
    client.drop('slow', this.options.slowGraceMs);
    return false;
  }

  private retain(topic: string, value: Retained): void {
    this.retained.set(topic, value);
    if (this.retained.size > this.options.maxRetainedTopics) this.retained.evictOne();
  }

  private pingRound(): void {
    for (const client of this.clients) {
      if (!client.alive) {
        this.counters.droppedDead++;
        this.clients.delete(client);
        client.drop('dead', 0);
        continue;
      }
      client.alive = false;
      client.ws.ping();
    }
  }
}

/** Retained topics in two maps, each in publish order: seen once, and seen again since. */
class RetainedTopics {
  private readonly once = new Map<string, Retained>();
  private readonly repeated = new Map<string, Retained>();

  get size(): number {
    return this.once.size + this.repeated.size;
  }

  get(topic: string): Retained | undefined {
    return this.repeated.get(topic) ?? this.once.get(topic);
  }

  set(topic: string, value: Retained): void {
    const again = this.once.delete(topic) || this.repeated.delete(topic);
    (again ? this.repeated : this.once).set(topic, value);
  }

  evictOne(): void {
    const from = this.once.size > 0 ? this.once : this.repeated;
    const oldest = from.keys().next().value;
    if (oldest !== undefined) from.delete(oldest);
  }

  keys(): IterableIterator<string> {
    return [...this.repeated.keys(), ...this.once.keys()][Symbol.iterator]();
  }

  *[Symbol.iterator](): IterableIterator<[string, Retained]> {
    yield* this.repeated;
    yield* this.once;
  }
}
