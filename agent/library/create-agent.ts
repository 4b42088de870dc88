// createAgent: the one call a Node service makes to get a Starwatch agent — its V4 path (or
// none, for wrapped sessions and proxies), its NATS publisher and its heartbeats.
import { Heartbeater } from '../publish/heartbeat.ts';
import type { NatsOptions } from '../publish/connection.ts';
import type { Logger } from '../../log/logger.ts';
import { EventPublisher, type PublisherOptions } from '../publish/publisher.ts';
import type { DecodeLimits } from '../../v4/limits.ts';
import { DEFAULT_MODEL_PATH, V4Path } from '../../v4/path.ts';
import type { ModelRef } from '../events/observation.ts';
import { StarwatchAgent } from './agent.ts';

export interface CreateAgentOptions {
  agentId: string;
  /** A server URL, several, or full connection options (creds, token, TLS). */
  nats: string | string[] | NatsOptions;
  /** An ONNX file, a loaded V4Path, or null for no model of its own. Default: the reference model. */
  model?: string | V4Path | null;
  /** What events name as the model when the agent has none of its own. */
  modelRef?: ModelRef;
  threads?: number;
  limits?: Partial<DecodeLimits>;
  /** Decode worker threads for the V4 path (0: on the event loop, the default for a library). */
  decodeWorkers?: number;
  /** Run the model in a worker thread (default false for a library). */
  modelWorker?: boolean;
  /** Scan workers, each decoding and running its own model (V4PathOptions.scanWorkers; default 0 for a library). */
  scanWorkers?: number;
  /** With scan workers: intra-op threads for an image alone in flight (V4PathOptions.aloneThreads). */
  aloneThreads?: number;
  batchSize?: number;
  batchMs?: number;
  queueSize?: number;
  maxInFlight?: number;
  createStream?: boolean;
  /** 0 turns heartbeats off. Default 10 s. */
  heartbeatMs?: number;
  logger?: Logger;
}

const AGENT_ID = /^[A-Za-z0-9_-]{1,64}$/;

export function checkAgentId(agentId: string): void {
  if (!AGENT_ID.test(agentId)) {
    throw new Error(`agent id "${agentId}" must be 1-64 characters of A-Z a-z 0-9 _ - (it names a NATS subject)`);
  }
}

function natsOptions(nats: CreateAgentOptions['nats'], agentId: string): NatsOptions {
  if (typeof nats === 'string') return { servers: nats.split(','), name: `starwatch-agent-${agentId}` };
  if (Array.isArray(nats)) return { servers: nats, name: `starwatch-agent-${agentId}` };
  return { name: `starwatch-agent-${agentId}`, ...nats };
}

async function loadPath(options: CreateAgentOptions): Promise<V4Path | null> {
  if (options.model === null) return null;
  if (options.model instanceof V4Path) return options.model;
  return V4Path.load({ modelPath: options.model ?? DEFAULT_MODEL_PATH, threads: options.threads, limits: options.limits, workers: options.decodeWorkers, modelWorker: options.modelWorker, scanWorkers: options.scanWorkers, aloneThreads: options.aloneThreads });
}

export async function createAgent(options: CreateAgentOptions): Promise<StarwatchAgent> {
  checkAgentId(options.agentId);
  const path = await loadPath(options);
  const publisherOptions: PublisherOptions = {
    agentId: options.agentId,
    nats: natsOptions(options.nats, options.agentId),
    batchSize: options.batchSize,
    batchMs: options.batchMs,
    queueSize: options.queueSize,
    maxInFlight: options.maxInFlight,
    createStream: options.createStream,
    logger: options.logger,
  };
  const publisher = new EventPublisher(publisherOptions);
  const heartbeats = new Heartbeater(
    publisher,
    { modelLoaded: () => path !== null, modelVersion: () => path?.identity.version ?? options.modelRef?.version ?? null },
    options.heartbeatMs ?? 10_000,
  );
  const agent = new StarwatchAgent(publisher, path, heartbeats, path?.identity ?? options.modelRef);
  publisher.start();
  heartbeats.start();
  return agent;
}
