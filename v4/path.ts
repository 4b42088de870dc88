// The V4 path: raw bytes -> decode -> eight streams -> model -> verdict. The one object the
// agent, the CLI and the benchmarks use; it loads the model once.
import { fileURLToPath } from 'node:url';
import { toV4Error, V4Error } from './errors.ts';
import { DEFAULT_LIMITS, type DecodeLimits } from './limits.ts';
import { V4Model, type ModelIdentity } from './model.ts';
import type { ModelRunner } from './model-runner.ts';
import type { ModelOutputs } from './outputs.ts';
import { DirectScan } from './pool/direct-scan.ts';
import { RemoteModel } from './pool/remote-model.ts';
import { PreprocessPool } from './pool/preprocess-pool.ts';
import { ScanPool } from './pool/scan-pool.ts';
import { preprocess, type ImageInfo, type Preprocessed } from './preprocess.ts';
import { containerVerdict } from './container-rule.ts';
import { STEGO_THRESHOLD, type Verdict } from './verdict.ts';

/** The model used when none is named. Change this one line when a trained model lands. */
export const DEFAULT_MODEL_PATH = fileURLToPath(new URL('../models/v4-reference.onnx', import.meta.url));

export interface V4PathOptions {
  modelPath?: string;
  threads?: number;
  limits?: Partial<DecodeLimits>;
  threshold?: number;
  /** Decode workers (v4/pool); 0 decodes on the calling thread. Default 0. */
  workers?: number;
  /** Model runs queued at most (MODEL_MAX_QUEUED). */
  maxQueued?: number;
  /** Run the model in a worker thread, so inference never blocks the event loop. Default false. */
  modelWorker?: boolean;
  /**
   * Whole-scan workers (v4/pool/scan-pool.ts): each decodes and runs its own model session.
   * When > 0 they replace `workers` and `modelWorker`. Default 0.
   */
  scanWorkers?: number;
  /** With scan workers: intra-op threads for an image alone in flight (default: `threads`). */
  aloneThreads?: number;
  /** With scan workers: their OS nice value (v4/pool/thread-priority.ts). Default: the process's. */
  workerNice?: number;
}

export interface ScanTimings {
  decodeMs: number;
  preprocessMs: number;
  /** Inference of the batch the image was in (a batch shares one run). */
  inferMs: number;
  totalMs: number;
}

export interface ScanResult {
  info: ImageInfo;
  verdict: Verdict;
  timings: ScanTimings;
}

export type ScanOutcome = { ok: true; result: ScanResult } | { ok: false; error: V4Error };

export class V4Path {
  private ruledOutCount = 0;

  private constructor(
    readonly model: ModelRunner,
    readonly limits: DecodeLimits,
    private readonly threshold: number,
    private readonly pool: PreprocessPool | null,
    /** Decode workers wired to the model worker, when the path has both. */
    private readonly direct: DirectScan | null,
  ) {}

  static async load(options: V4PathOptions = {}): Promise<V4Path> {
    const modelPath = options.modelPath ?? DEFAULT_MODEL_PATH;
    const modelOptions = { threads: options.threads ?? 1, maxQueued: options.maxQueued };
    const limits = { ...DEFAULT_LIMITS, ...options.limits };
    const threshold = options.threshold ?? STEGO_THRESHOLD;
    if (options.scanWorkers) return new V4Path(await ScanPool.load(modelPath, options.scanWorkers, modelOptions, options.aloneThreads, options.workerNice), limits, threshold, null, null);
    const model = options.modelWorker ? await RemoteModel.load(modelPath, modelOptions) : await V4Model.load(modelPath, modelOptions);
    await model.warmUp();
    const pool = options.workers ? await PreprocessPool.start(options.workers) : null;
    const direct = pool && model instanceof RemoteModel ? DirectScan.connect(pool, model) : null;
    return new V4Path(model, limits, threshold, pool, direct);
  }

  /** Verdicts the container rule turned from stego to clean (container-rule.ts). */
  get ruledOut(): number {
    return this.ruledOutCount;
  }

  /** Decode workers in use (0: decoding runs on the calling thread or in the scan workers). */
  get workers(): number {
    return this.pool?.size ?? 0;
  }

  /** Whole-scan workers in use (0: none, the decode pool and model layout). */
  get scanWorkers(): number {
    return this.model instanceof ScanPool ? this.model.size : 0;
  }

  get identity(): ModelIdentity {
    return this.model.identity;
  }

  /** One image; rejects with a V4Error on bad input. */
  async scan(bytes: Uint8Array): Promise<ScanResult> {
    if (this.model instanceof ScanPool) return this.scanForwarded(this.model, bytes);
    if (this.direct) return this.scanForwarded(this.direct, bytes);
    const [outcome] = await this.scanBatch([bytes]);
    if (!outcome.ok) throw outcome.error;
    return outcome.result;
  }

  /** Several images in one model run; a bad image gets its error and does not stop the rest. */
  async scanBatch(images: readonly Uint8Array[]): Promise<ScanOutcome[]> {
    const start = performance.now();
    const prepared = await Promise.all(images.map((b) => this.prepare(b)));
    const good = prepared.filter((p): p is Preprocessed => !(p instanceof V4Error));
    const inferStart = performance.now();
    // The streams were made for this run alone, so the model worker may take them.
    const out = await this.model.run(good.map((p) => p.streams), { transfer: true });
    const inferMs = performance.now() - inferStart;
    const totalMs = performance.now() - start;
    let next = 0;
    return prepared.map((p): ScanOutcome => {
      if (p instanceof V4Error) return { ok: false, error: p };
      const timings = { decodeMs: p.decodeMs, preprocessMs: p.preprocessMs, inferMs, totalMs };
      return { ok: true, result: { info: p.info, verdict: this.verdict(out, next++, p.info), timings } };
    });
  }

  async close(): Promise<void> {
    await this.pool?.close();
    await this.model.release();
  }

  /** Streams are made where the model runs, or sent there straight: they never pass through this thread. */
  private async scanForwarded(via: DirectScan | ScanPool, bytes: Uint8Array): Promise<ScanResult> {
    const start = performance.now();
    let r;
    try {
      r = await via.scan(bytes, this.limits);
    } catch (e) {
      throw toV4Error(e);
    }
    const timings = { decodeMs: r.decodeMs, preprocessMs: r.preprocessMs, inferMs: r.inferMs, totalMs: performance.now() - start };
    return { info: r.info, verdict: this.verdict(r.outputs, 0, r.info), timings };
  }

  private verdict(out: ModelOutputs, i: number, info: ImageInfo): Verdict {
    const verdict = containerVerdict(out, i, this.threshold, info);
    if (verdict.ruledOut) this.ruledOutCount++;
    return verdict;
  }

  private async prepare(bytes: Uint8Array): Promise<Preprocessed | V4Error> {
    try {
      return await (this.pool ? this.pool.preprocess(bytes, this.limits) : preprocess(bytes, this.limits));
    } catch (e) {
      return toV4Error(e);
    }
  }
}
