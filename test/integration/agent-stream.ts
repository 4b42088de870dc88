// Helpers for the agent's integration tests: read back every event the stream holds, and
// start an agent server against the test's nats-server.
import { connect, type Msg, type Subscription } from 'nats';
import { EVENTS_STREAM } from '../../schemas/subjects.ts';
import { decodeMessage } from '../../collector/consume/decode.ts';
import type { InferenceEvent } from '../../schemas/inference-event.ts';
import { silentLogger } from '../../log/logger.ts';
import { startAgentServer, type AgentServerOptions, type RunningAgent } from '../../agent/server/start.ts';


export interface StoredEvents {
  events: InferenceEvent[];
  batches: number;
  /** How often each event id occurs. */
  countById: Map<string, number>;
}

/** Every event in the stream, each checked against the contract (a bad one fails the test). */
export async function readStoredEvents(natsUrl: string): Promise<StoredEvents> {
  const nc = await connect({ servers: natsUrl });
  try {
    const jsm = await nc.jetstreamManager();
    let info;
    try {
      info = await jsm.streams.info(EVENTS_STREAM);
    } catch (e) {
      // Only a missing stream means "no events"; any other failure must fail the test.
      if (isStreamNotFound(e)) return { events: [], batches: 0, countById: new Map() };
      throw e;
    }
    const events: InferenceEvent[] = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
      const msg = await jsm.streams.getMessage(EVENTS_STREAM, { seq });
      // The collector's own decoding: a batch or event it would dead-letter fails the test.
      const decoded = decodeMessage(msg.data, { subject: msg.subject, stream_seq: seq }, { maxFutureMs: Infinity, maxPayloadChars: 200 }, Date.now());
      const bad = decoded.dead[0];
      if (bad) throw new Error(`stored batch ${seq} breaks the contract: ${bad.code} ${bad.reason}`);
      for (const { event } of decoded.events) events.push(event);
    }
    const countById = new Map<string, number>();
    for (const e of events) countById.set(e.event_id, (countById.get(e.event_id) ?? 0) + 1);
    return { events, batches: info.state.messages, countById };
  } finally {
    await nc.close();
  }
}

function isStreamNotFound(e: unknown): boolean {
  const api = (e as { api_error?: { err_code?: number } }).api_error;
  return api?.err_code === 10059 || /stream not found/i.test((e as Error).message);
}

/** The first message of a subscription, or an error after timeoutMs (never waits for ever). */
export async function firstMessage(sub: Subscription, timeoutMs: number): Promise<Msg> {
  const timer = setTimeout(() => sub.unsubscribe(), timeoutMs);
  try {
    for await (const m of sub) return m;
  } finally {
    clearTimeout(timer);
  }
  throw new Error(`no message on ${sub.getSubject()} within ${timeoutMs} ms`);
}

export function startTestAgent(natsUrl: string, options: Partial<AgentServerOptions> = {}): Promise<RunningAgent> {
  return startAgentServer({
    nats: { servers: [natsUrl] },
    agentId: 'test-agent',
    port: 0,
    host: '127.0.0.1',
    batchMs: 20,
    heartbeatMs: 0,
    logger: silentLogger,
    ...options,
  });
}

export async function postScan(
  url: string,
  body: Uint8Array,
  init: { query?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; json: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(`${url}/v1/scan${init.query ?? ''}`, {
    method: 'POST',
    body: body as unknown as BodyInit,
    headers: { 'content-type': 'application/octet-stream', ...init.headers },
  });
  const text = await res.text();
  return { status: res.status, json: JSON.parse(text) as Record<string, unknown>, headers: res.headers };
}

/** Small real images (PNG, JPEG, WebP) of varied content, made here so the tests need no files. */
export async function makeImages(count: number): Promise<Buffer[]> {
  const sharp = (await import('sharp')).default;
  const out: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const w = 64 + (i % 5) * 16;
    const h = 48 + (i % 3) * 16;
    const pixels = Buffer.alloc(w * h * 3);
    for (let p = 0; p < pixels.length; p++) pixels[p] = (p * (i + 7) + (p >> 5) * 13) & 0xff;
    const image = sharp(pixels, { raw: { width: w, height: h, channels: 3 } });
    const kind = i % 3;
    out.push(await (kind === 0 ? image.png() : kind === 1 ? image.jpeg({ quality: 85 }) : image.webp({ quality: 80 })).toBuffer());
  }
  return out;
}
