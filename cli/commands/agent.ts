// starwatch agent: the scan server (--model) or the proxy (--proxy) that streams one event
// per request to NATS, with /metrics, /healthz, /readyz and optional golden probes.
import type { Command } from 'commander';
import { parseFieldOverrides, VERDICT_PRESETS, type VerdictFields } from '../../agent/proxy/verdict-fields.ts';
import { parseMethodAliases } from '../../schemas/method-aliases.ts';
import { PROXY_DEFAULTS } from '../../agent/proxy/proxy-handler.ts';
import { ADMISSION_DEFAULTS } from '../../agent/server/admission.ts';
import { SERVER_LIMITS } from '../../agent/server/server.ts';
import { defaultWorkerCount } from '../../v4/pool/preprocess-pool.ts';
import { defaultAloneThreads, defaultScanWorkers } from '../../v4/pool/scan-pool.ts';
import { PUBLISHER_DEFAULTS } from '../../agent/publish/publisher.ts';
import { stderrLogger } from '../../agent/publish/logger.ts';
import { defaultAgentId, startAgentServer } from '../../agent/server/start.ts';
import { DEFAULT_LIMITS } from '../../v4/limits.ts';
import { DEFAULT_MODEL_PATH } from '../../v4/path.ts';
import { positiveInt } from './scan.ts';
import { nonNegativeInt, port } from './number-options.ts';
import { SHADOW_DEFAULTS } from '../../agent/rollout/shadow-queue.ts';

interface AgentCliOptions {
  model?: string;
  proxy?: string;
  proxyFields?: string;
  proxyPreset: string;
  methodAlias?: string;
  proxyMaxAnswerBytes: number;
  proxyMaxDecodedBytes: number;
  port: number;
  host: string;
  nats: string;
  natsCreds?: string;
  natsNkey?: string;
  tlsRequired?: boolean;
  natsToken?: string;
  tlsCa?: string;
  tlsCert?: string;
  tlsKey?: string;
  agentId: string;
  batchSize: number;
  batchMs: number;
  queueSize: number;
  heartbeatMs: number;
  createStream: boolean;
  probes?: string;
  probeRate: number;
  maxBytes: number;
  maxPixels: number;
  threads: number;
  decodeWorkers?: number;
  modelWorker: boolean;
  scanWorkers: number;
  aloneThreads: number;
  maxInFlight: number;
  maxPixelsInFlight: number;
  maxBytesInFlight: number;
  maxConnections: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  candidateModel?: string;
  candidateUpstream?: string;
  candidateVersion?: string;
  shadowShare?: number;
  canaryShare?: number;
  shadowMaxQueued: number;
}

function share(value: string): number {
  const n = Number(value);
  if (!(n > 0 && n <= 1)) throw new Error(`expected a share in (0, 1], got "${value}"`);
  return n;
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`expected a positive number, got "${value}"`);
  return n;
}

/** The preset's field names, with --proxy-fields over them; throws on an unknown preset. */
function proxyFieldsOf(o: AgentCliOptions): VerdictFields {
  const preset = VERDICT_PRESETS[o.proxyPreset];
  if (!preset || !Object.hasOwn(VERDICT_PRESETS, o.proxyPreset)) {
    throw new Error(`no proxy preset "${o.proxyPreset}" (have: ${Object.keys(VERDICT_PRESETS).join(', ')})`);
  }
  return o.proxyFields ? parseFieldOverrides(o.proxyFields, preset) : preset;
}

export function registerAgent(program: Command): void {
  program
    .command('agent')
    .description('Run the agent: POST /v1/scan with the V4 model (or proxied), one NATS event per request')
    .option('--model <path>', 'ONNX model to serve', DEFAULT_MODEL_PATH)
    .option('--proxy <url>', 'forward POST /v1/scan to this inference service instead of running the model')
    .option('--proxy-preset <name>', `verdict fields of a known upstream: ${Object.keys(VERDICT_PRESETS).join(', ')} (starlight-v4: scanner.py's answer)`, 'default')
    .option('--proxy-fields <map>', 'verdict field names of the upstream JSON (over the preset), e.g. "stegoProb=result.p,isStego=result.flag"')
    .option('--method-alias <pairs>', 'method names beyond ours in labels and upstream verdicts, e.g. "steg=lsb.rgb" (eoi=raw and lsb=lsb.rgb are built in)')
    .option('--proxy-max-answer-bytes <n>', 'largest upstream answer read, as sent', positiveInt, PROXY_DEFAULTS.maxAnswerBytes)
    .option('--proxy-max-decoded-bytes <n>', 'largest upstream answer after gzip/deflate/br', positiveInt, PROXY_DEFAULTS.maxDecodedBytes)
    .option('--port <n>', 'HTTP port', port, 8080)
    .option('--host <addr>', 'HTTP address to listen on', '0.0.0.0')
    .option('--nats <urls>', 'NATS servers, comma-separated', 'nats://127.0.0.1:4222')
    .option('--nats-creds <file>', 'NATS credentials file')
    .option('--nats-nkey <file>', 'file holding the NATS NKey seed (SU...)')
    .option('--nats-token <token>', 'NATS token (better: env STARWATCH_NATS_TOKEN, which stays out of ps)')
    .option('--tls-ca <file>', 'CA certificate for NATS TLS')
    .option('--tls-cert <file>', 'client certificate for NATS TLS')
    .option('--tls-key <file>', 'client key for NATS TLS')
    .option('--tls-required', 'connect to NATS only over TLS')
    .option('--agent-id <id>', 'agent id (A-Z a-z 0-9 _ -)', defaultAgentId())
    .option('--batch-size <n>', 'events per NATS message at most', positiveInt, PUBLISHER_DEFAULTS.batchSize)
    .option('--batch-ms <n>', 'longest an event waits for its batch', positiveInt, PUBLISHER_DEFAULTS.batchMs)
    .option('--queue-size <n>', 'events kept while NATS is away (then the oldest are dropped)', positiveInt, PUBLISHER_DEFAULTS.queueSize)
    .option('--heartbeat-ms <n>', 'heartbeat interval', positiveInt, 10_000)
    .option('--no-create-stream', 'do not create the events stream when it is missing')
    .option('--probes <dir>', 'folder of labelled images (JSON sidecars) to scan as golden probes')
    .option('--probe-rate <n>', 'golden probes per second', positiveNumber, 1)
    .option('--max-bytes <n>', 'largest request body accepted', positiveInt, DEFAULT_LIMITS.maxBytes)
    .option('--max-pixels <n>', 'largest width x height accepted', positiveInt, DEFAULT_LIMITS.maxPixels)
    .option('--threads <n>', 'onnxruntime threads a model', positiveInt, 1)
    .option('--scan-workers <n>', 'worker threads that each decode and run their own model (0: --decode-workers and --model-worker instead)', nonNegativeInt, defaultScanWorkers())
    .option('--alone-threads <n>', 'with scan workers: onnxruntime threads for an image alone in flight', positiveInt, defaultAloneThreads())
    .option('--decode-workers <n>', `with --scan-workers 0: decode worker threads (0: decode on the event loop; default ${defaultWorkerCount()})`, nonNegativeInt)
    .option('--no-model-worker', 'with --scan-workers 0: run inference on the event loop instead of a worker thread')
    .option('--max-in-flight <n>', 'scans admitted at once; more get 503 + Retry-After', positiveInt, ADMISSION_DEFAULTS.maxInFlight)
    .option('--max-bytes-in-flight <n>', 'request bytes admitted at once (chunked bodies count as --max-bytes); more get 503', positiveInt, ADMISSION_DEFAULTS.maxBytesInFlight)
    .option('--max-pixels-in-flight <n>', 'declared pixels decoded at once; more get 503 + Retry-After', positiveInt, ADMISSION_DEFAULTS.maxPixelsInFlight)
    .option('--max-connections <n>', 'open sockets at most; more are closed on accept', positiveInt, SERVER_LIMITS.maxConnections)
    .option('--headers-timeout-ms <n>', 'time a client gets to send its headers', positiveInt, SERVER_LIMITS.headersTimeoutMs)
    .option('--request-timeout-ms <n>', 'time a client gets to send its whole request', positiveInt, SERVER_LIMITS.requestTimeoutMs)
    .option('--candidate-model <path>', 'rollout: a candidate ONNX model beside --model (with --shadow-share or --canary-share)')
    .option('--candidate-upstream <url>', 'rollout, proxy mode: the candidate inference service beside --proxy')
    .option('--candidate-version <v>', 'rollout, proxy mode: the candidate\'s version when its answers name none', 'candidate')
    .option('--shadow-share <x>', 'rollout: share of requests the candidate scores after the answer went out (e.g. 0.1)', share)
    .option('--canary-share <x>', 'rollout: share of requests the candidate answers (e.g. 0.1)', share)
    .option('--shadow-max-queued <n>', 'rollout: shadow scans waiting at most; more are dropped and counted', positiveInt, SHADOW_DEFAULTS.maxQueued)
    .action(async (options: AgentCliOptions) => {
      process.exitCode = await agentCommand(options);
    });
}

async function agentCommand(o: AgentCliOptions): Promise<number> {
  let running;
  try {
    running = await startAgentServer({
      model: o.model,
      proxy: o.proxy,
      proxyFields: proxyFieldsOf(o),
      methodAliases: o.methodAlias ? parseMethodAliases(o.methodAlias) : undefined,
      proxyMaxAnswerBytes: o.proxyMaxAnswerBytes,
      proxyMaxDecodedBytes: o.proxyMaxDecodedBytes,
      port: o.port,
      host: o.host,
      nats: {
        servers: o.nats.split(',').map((s) => s.trim()).filter(Boolean),
        credsFile: o.natsCreds,
        nkeySeedFile: o.natsNkey,
        token: o.natsToken ?? process.env.STARWATCH_NATS_TOKEN,
        tls: { caFile: o.tlsCa, certFile: o.tlsCert, keyFile: o.tlsKey, required: o.tlsRequired },
      },
      agentId: o.agentId,
      batchSize: o.batchSize,
      batchMs: o.batchMs,
      queueSize: o.queueSize,
      heartbeatMs: o.heartbeatMs,
      createStream: o.createStream,
      probesDir: o.probes,
      probeRate: o.probeRate,
      maxBytes: o.maxBytes,
      maxPixels: o.maxPixels,
      threads: o.threads,
      decodeWorkers: o.scanWorkers ? undefined : (o.decodeWorkers ?? defaultWorkerCount()),
      modelWorker: o.scanWorkers ? undefined : o.modelWorker,
      scanWorkers: o.scanWorkers,
      aloneThreads: o.aloneThreads,
      admission: { maxInFlight: o.maxInFlight, maxBytesInFlight: o.maxBytesInFlight, maxPixelsInFlight: o.maxPixelsInFlight },
      serverLimits: { maxConnections: o.maxConnections, headersTimeoutMs: o.headersTimeoutMs, requestTimeoutMs: o.requestTimeoutMs },
      processMetrics: true,
      rollout: {
        candidateModel: o.candidateModel,
        candidateUpstream: o.candidateUpstream,
        candidateVersion: o.candidateVersion,
        shadowShare: o.shadowShare,
        canaryShare: o.canaryShare,
        shadowMaxQueued: o.shadowMaxQueued,
      },
    });
  } catch (e) {
    const code = (e as { code?: string }).code;
    process.stderr.write(`starwatch agent: ${code ? `${code}: ` : ''}${(e as Error).message}\n`);
    return 2;
  }
  const agent = running;
  await new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      stderrLogger.info(`${signal}: finishing requests and flushing events`);
      resolve();
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  await agent.close();
  const s = agent.agent.stats();
  stderrLogger.info(`stopped: ${s.sent} events sent, ${s.dropped} dropped`);
  return 0;
}
