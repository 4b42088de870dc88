// Live feed protocol v1: the JSON messages on the collector's WebSocket (collector/live/PROTOCOL.md
// explains them). TypeBox is the single source: the hub validates client messages with it, and the
// page, `starwatch tail` and the tests read the same types.
import { Type, type Static } from '@sinclair/typebox';

/** A topic or pattern: dot-separated segments; a pattern may use `*` (one segment) and a final `>`. */
const Pattern = Type.String({ minLength: 1, maxLength: 256 });

export const SubscribeMessage = Type.Object(
  {
    v: Type.Literal(1),
    type: Type.Literal('subscribe'),
    topics: Type.Array(Pattern, { minItems: 1, maxItems: 64 }),
    /** Echoed in the acknowledgement so a client can match replies to requests. */
    id: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);

export const UnsubscribeMessage = Type.Object(
  {
    v: Type.Literal(1),
    type: Type.Literal('unsubscribe'),
    topics: Type.Array(Pattern, { minItems: 1, maxItems: 64 }),
    id: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);

export const ClientMessage = Type.Union([SubscribeMessage, UnsubscribeMessage]);
export type ClientMessage = Static<typeof ClientMessage>;

/** Server -> client. `data` is whatever was published on the topic (see the topic table). */
export type ServerMessage =
  | { v: 1; type: 'hello'; protocol: 1; topics: string[]; limits: { maxSubscriptions: number; maxMessageBytes: number } }
  | { v: 1; type: 'subscribed'; topics: string[]; id?: string }
  | { v: 1; type: 'unsubscribed'; topics: string[]; id?: string }
  | { v: 1; type: 'snapshot'; topic: string; ts: number; data: unknown }
  | { v: 1; type: 'update'; topic: string; ts: number; data: unknown }
  | { v: 1; type: 'error'; code: LiveErrorCode; message: string; id?: string }
  | { v: 1; type: 'bye'; code: number; reason: string };

export type LiveErrorCode = 'bad_json' | 'bad_message' | 'bad_pattern' | 'too_many_subscriptions';

/** Close codes the hub uses (4000-4999 is the application range of RFC 6455). */
export const CLOSE = {
  /** Missing or wrong token. */
  unauthorized: 4401,
  /** Too many clients connected (RFC 6455 "try again later"). */
  maxClients: 1013,
  /** The client did not read fast enough; its queue passed the bound. */
  slowConsumer: 4008,
  /** The client stopped answering pings. */
  deadPeer: 4000,
  /** The collector is shutting down. */
  goingAway: 1001,
} as const;

/** Topic names, all built here so every publisher and subscriber agrees on them. */
export const TOPICS = {
  anomalies: 'anomalies',
  alerts: 'alerts',
  forecasts: 'forecasts',
  eventsSample: 'events.sample',
  windows: (granularity: string, modelVersion: string, agent: string): string =>
    ['windows', granularity, topicSegment(modelVersion), topicSegment(agent)].join('.'),
} as const;

/**
 * A value as one topic segment: model versions may hold dots and `*` means "all" in the window keys,
 * so `.`, `*`, `>` and `%` are percent-encoded (the overall key `*` becomes `%2A`).
 */
export function topicSegment(value: string): string {
  return value.replace(/[%.*> ]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'));
}

export function decodeTopicSegment(segment: string): string {
  return segment.replace(/%([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** The payload of a `windows.*` update: one closed window of one key (the `window` measurement's fields). */
export interface LiveWindow {
  granularity: string;
  model_version: string;
  agent: string;
  /** Window start and end, ms since the epoch. */
  start: number;
  end: number;
  /** Field name -> value, as in schemas/measurements.ts (count, rps, latency_p95, rate_alpha, ...). */
  fields: Record<string, number>;
}

/** The payload of an `alerts` update: one alert state change. */
export interface LiveAlert {
  /** The transition: pending, firing, updated, resolved or cancelled. */
  kind: string;
  alert_id: string;
  rule: string;
  severity: string;
  state: string;
  key: string;
  value: number;
  threshold: number;
  message: string;
  /** When the change happened, ms since the epoch. */
  ts: number;
}

/** The payload of an `anomalies` update. */
export interface LiveAnomaly {
  series: string;
  detector: string;
  granularity: string;
  agent: string;
  model_version: string;
  ts: number;
  value: number;
  expected: number;
  score: number;
  is_anomaly: boolean;
}
