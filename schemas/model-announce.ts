// What an agent says about the models it has loaded, at start and every few minutes after
// (core NATS, starwatch.v1.models.<agent>): the collector's model registry is made of these.
import { Type, type Static } from '@sinclair/typebox';

export const AnnouncedModel = Type.Object(
  {
    /** primary answers; candidate is a rollout's shadow or canary (agent/rollout). */
    role: Type.Union([Type.Literal('primary'), Type.Literal('candidate')]),
    id: Type.String({ minLength: 1, maxLength: 128 }),
    version: Type.String({ minLength: 1, maxLength: 64 }),
    sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
    inputs: Type.Array(Type.String({ maxLength: 64 }), { maxItems: 32 }),
    outputs: Type.Array(Type.String({ maxLength: 64 }), { maxItems: 32 }),
  },
  { additionalProperties: false },
);
export type AnnouncedModel = Static<typeof AnnouncedModel>;

export const ModelAnnounce = Type.Object(
  {
    v: Type.Literal(1),
    agent_id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }),
    ts_ms: Type.Integer({ minimum: 0 }),
    models: Type.Array(AnnouncedModel, { minItems: 1, maxItems: 8 }),
  },
  { additionalProperties: false },
);
export type ModelAnnounce = Static<typeof ModelAnnounce>;
