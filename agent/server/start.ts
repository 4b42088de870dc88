// Puts an agent together: the model (or a proxy to an upstream), the publisher, the HTTP
// server, the golden probes. The CLI and the integration tests both start agents with this.
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { createAgent } from '../library/create-agent.ts';
import type { StarwatchAgent } from '../library/agent.ts';
import { GoldenProbes, loadProbes, type ProbeScan } from '../probes/golden-probes.ts';
import { ProxyScanHandler } from '../proxy/proxy-handler.ts';
import { UPSTREAM_MODEL } from '../proxy/observe-upstream.ts';
import type { VerdictFields } from '../proxy/verdict-fields.ts';
import type { MethodAliases } from '../../schemas/method-aliases.ts';
import { checkUpstreamBase } from '../proxy/request-target.ts';
import type { NatsOptions } from '../publish/connection.ts';
import { type Logger } from '../../log/logger.ts';
import { stderrLogger } from '../publish/logger.ts';
import { DEFAULT_LIMITS } from '../../v4/limits.ts';
import { defaultWorkerCount } from '../../v4/pool/preprocess-pool.ts';
import { defaultAloneThreads, defaultScanWorkers } from '../../v4/pool/scan-pool.ts';
import { Admission, ADMISSION_DEFAULTS, type AdmissionLimits } from './admission.ts';
import { AgentMetrics } from './metrics.ts';
import { ThrottledLog } from '../../log/rate-limited.ts';
import { ModelScanHandler, type ScanHandler } from './scan-handler.ts';
import { createScanServer, type ServerLimits } from './server.ts';
import type { ShadowQueue } from '../rollout/shadow-queue.ts';
import { announcedModel, ModelAnnouncer } from '../registry/announce.ts';
import { startRollout, type RolloutOptions } from '../rollout/start-rollout.ts';

export interface AgentServerOptions {
  /** ONNX model file (model mode). */
  model?: string;
  /** Upstream inference service URL (proxy mode); wins over model. */
  proxy?: string;
  proxyFields?: VerdictFields;
  /** Method names beyond ours, for upstream verdicts and request labels. */
  methodAliases?: MethodAliases;
  /** Caps on an upstream answer, as sent and decompressed (PROXY_DEFAULTS). */
  proxyMaxAnswerBytes?: number;
  proxyMaxDecodedBytes?: number;
  port?: number;
  host?: string;
  nats: NatsOptions;
  agentId?: string;
  batchSize?: number;
  batchMs?: number;
  queueSize?: number;
  heartbeatMs?: number;
  createStream?: boolean;
  maxBytes?: number;
  maxPixels?: number;
  threads?: number;
  /** Decode worker threads (default: defaultWorkerCount(), one core left to the event loop). */
  decodeWorkers?: number;
  /** Inference in a worker thread, off the event loop (default true). */
  modelWorker?: boolean;
  /**
   * Scan workers, each decoding and running its own model (default: defaultScanWorkers(), one a
   * core, at most 4, unless decodeWorkers or modelWorker is given); 0 uses decodeWorkers and
   * modelWorker instead.
   */
  scanWorkers?: number;
  /** With scan workers: intra-op threads for an image alone in flight (default defaultAloneThreads(): 2 on 2+ cores). */
  aloneThreads?: number;
  probesDir?: string;
  probeRate?: number;
  logger?: Logger;
  processMetrics?: boolean;
  /** Scans and pixels in flight (ADMISSION_DEFAULTS). */
  admission?: Partial<AdmissionLimits>;
  /** Connections and timeouts against slow clients (SERVER_LIMITS). */
  serverLimits?: Partial<ServerLimits>;
  /** A candidate model (or upstream) in shadow or canary beside the primary (agent/rollout). */
  rollout?: RolloutOptions;
  /** How often the loaded models are announced to the registry (ANNOUNCE_DEFAULTS; 0: never). */
  announceMs?: number;
}

export interface RunningAgent {
  url: string;
  agent: StarwatchAgent;
  probes: GoldenProbes | null;
  /** The shadow queue of a rollout in shadow mode (its counts: scored, dropped, time). */
  shadows: ShadowQueue | null;
  /** Stops taking requests, finishes those in progress, flushes the queue, disconnects. */
  close(flushTimeoutMs?: number): Promise<void>;
}

/** hostname, made safe for a NATS subject token. */
export function defaultAgentId(): string {
  return hostname().replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 64) || 'agent';
}

export async function startAgentServer(o: AgentServerOptions): Promise<RunningAgent> {
  const logger = o.logger ?? stderrLogger;
  const maxBytes = o.maxBytes ?? DEFAULT_LIMITS.maxBytes;
  // Naming the decode pool or the model worker asks for that layout, as before scan workers.
  const scanWorkers = o.scanWorkers ?? (o.decodeWorkers === undefined && o.modelWorker === undefined ? defaultScanWorkers() : 0);
  if (o.proxy) checkUpstreamBase(o.proxy); // before anything is connected that would need closing
  const agent = await createAgent({
    agentId: o.agentId ?? defaultAgentId(),
    nats: o.nats,
    model: o.proxy ? null : (o.model ?? undefined),
    modelRef: o.proxy ? UPSTREAM_MODEL : undefined,
    threads: o.threads,
    decodeWorkers: o.decodeWorkers ?? defaultWorkerCount(),
    modelWorker: o.modelWorker ?? true,
    scanWorkers,
    aloneThreads: scanWorkers ? (o.aloneThreads ?? defaultAloneThreads()) : undefined,
    limits: { maxBytes, maxPixels: o.maxPixels ?? DEFAULT_LIMITS.maxPixels },
    batchSize: o.batchSize,
    batchMs: o.batchMs,
    queueSize: o.queueSize,
    heartbeatMs: o.heartbeatMs,
    createStream: o.createStream,
    logger,
  });
  const rollout = await startRollout(agent, o.rollout, { proxy: Boolean(o.proxy), threads: o.threads, maxBytes, maxPixels: o.maxPixels }).catch(async (e: unknown) => {
    await agent.close(1_000);
    throw e;
  });
  const proxy = o.proxy
    ? new ProxyScanHandler(agent, {
        candidate: rollout.proxy,
        upstream: o.proxy,
        fields: o.proxyFields,
        aliases: o.methodAliases,
        maxAnswerBytes: o.proxyMaxAnswerBytes,
        maxDecodedBytes: o.proxyMaxDecodedBytes,
        logger,
      })
    : null;
  const metrics = new AgentMetrics(agent.publisher, { processMetrics: o.processMetrics });
  if (proxy) metrics.watchVerdicts(proxy.counts);
  if (agent.path) metrics.watchRuledOut(agent.path);
  const refusals = new ThrottledLog(logger);
  const admission = new Admission({ ...ADMISSION_DEFAULTS, ...o.admission }, (reason) => {
    metrics.countRefusal(reason);
    refusals.warn(reason, `refused a scan with 503: ${reason.replaceAll('_', ' ')} at the limit`);
  });
  if (rollout.shadows) metrics.watchShadows(rollout.shadows.counts);
  const handler: ScanHandler = proxy ?? new ModelScanHandler(agent, admission, rollout.model);
  const http = createScanServer({ agent, handler, metrics, maxBytes, admission, limits: o.serverLimits, methodAliases: o.methodAliases });

  let probes: GoldenProbes | null = null;
  if (o.probesDir) {
    const loaded = await loadProbes(o.probesDir, logger);
    const scan: ProbeScan = proxy
      ? (bytes, label) => proxy.scanBytes(bytes, 'probe', label)
      : (bytes, label) => agent.scanOutcome(bytes, { source: 'probe', label });
    probes = new GoldenProbes(loaded, scan, o.probeRate ?? 1);
    logger.info(`golden probes: ${loaded.length} labelled images from ${o.probesDir} at ${o.probeRate ?? 1}/s`);
  }

  await new Promise<void>((resolve, reject) => {
    http.server.once('error', reject);
    http.server.listen(o.port ?? 0, o.host ?? '127.0.0.1', () => resolve());
  });
  const address = http.server.address() as AddressInfo;
  const url = `http://${address.address.includes(':') ? `[${address.address}]` : address.address}:${address.port}`;
  probes?.start();
  const models = [...(agent.path ? [announcedModel(agent.path, 'primary')] : []), ...(rollout.model ? [announcedModel(rollout.model.candidate, 'candidate')] : [])];
  const announcer = new ModelAnnouncer(agent.publisher, models, o.announceMs);
  announcer.start();
  logger.info(`${proxy ? `proxy to ${proxy.upstream.origin}` : `model ${agent.model.id}`}; listening on ${url}`);
  if (rollout.describe) logger.info(rollout.describe);

  return {
    url,
    agent,
    probes,
    shadows: rollout.shadows,
    async close(flushTimeoutMs = 10_000) {
      probes?.stop();
      announcer.stop();
      await http.close();
      await rollout.close(); // shadows still running emit their events before the flush
      await agent.close(flushTimeoutMs);
    },
  };
}
