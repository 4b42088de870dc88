// Whole-scan workers: each worker thread decodes an image, builds its streams and runs its own
// onnxruntime session on them, so an image crosses no thread but the hop from the main thread
// and back, and its 2.4 MB of streams are never sent anywhere. With one worker a core, every
// core both decodes and infers: on 2 cores this beat a decode worker feeding one model worker
// (which leaves the model's core the bottleneck) on throughput and on latency (bench v4).
import { availableParallelism } from 'node:os';
import type { StreamName, V4Streams } from '../contract.ts';
import type { DecodeLimits } from '../limits.ts';
import type { ModelIdentity, RunOptions, V4ModelOptions } from '../model.ts';
import type { ModelRunner } from '../model-runner.ts';
import type { ModelOutputs, OutputName } from '../outputs.ts';
import { RemoteModel, type ForwardedResult } from './remote-model.ts';

/** One worker a core, at most 4 (each holds its own sessions of the model). */
export function defaultScanWorkers(cores = availableParallelism()): number {
  return Math.max(1, Math.min(4, cores));
}

/**
 * onnxruntime intra-op threads for an image alone in flight: 2 where there are 2 cores. The
 * other cores are idle then, and a second thread took inference from 4.3 to 2.8 ms an image;
 * under load it would only cost CPU (4.7 -> 5.1 ms a run), so busy workers run 1 thread
 * (`threads`) and each worker holds a second session for this (2 workers: peak RSS 335 MB
 * with 24 images in flight, against 314 MB for a decode worker feeding one model worker).
 */
export function defaultAloneThreads(cores = availableParallelism()): number {
  return Math.min(2, cores);
}

export class ScanPool implements ModelRunner {
  private constructor(private readonly models: RemoteModel[]) {}

  /**
   * Starts `size` workers, each with the model loaded and warmed up; with `aloneThreads` each
   * also holds the model at that many intra-op threads for an image alone in flight. `nice`:
   * the workers' OS priority (a shadow candidate's pool runs at BACKGROUND_NICE).
   */
  static async load(modelPath: string, size: number, options: V4ModelOptions = {}, aloneThreads?: number, nice?: number): Promise<ScanPool> {
    const loaded = await Promise.allSettled(Array.from({ length: size }, () => RemoteModel.load(modelPath, options, aloneThreads, nice)));
    const models = loaded.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failed = loaded.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      await Promise.all(models.map((m) => m.release()));
      throw failed.reason;
    }
    const pool = new ScanPool(models);
    await pool.warmUp();
    return pool;
  }

  get size(): number {
    return this.models.length;
  }

  get identity(): ModelIdentity {
    return this.models[0].identity;
  }

  get inputs(): readonly StreamName[] {
    return this.models[0].inputs;
  }

  get outputs(): readonly OutputName[] {
    return this.models[0].outputs;
  }

  /**
   * Decodes and runs the image in the least busy worker (the first of equals, so one in flight
   * keeps one warm worker); an image alone in flight gets the worker's alone-threads model.
   */
  scan(bytes: Uint8Array, limits: DecodeLimits): Promise<ForwardedResult> {
    const alone = this.models.every((m) => m.queued === 0);
    return this.leastBusy().scan(bytes, limits, alone);
  }

  run(batch: readonly V4Streams[], options?: RunOptions): Promise<ModelOutputs> {
    return this.leastBusy().run(batch, options);
  }

  async warmUp(): Promise<void> {
    await Promise.all(this.models.map((m) => m.warmUp()));
  }

  async release(): Promise<void> {
    await Promise.all(this.models.map((m) => m.release()));
  }

  private leastBusy(): RemoteModel {
    let best = this.models[0];
    for (const m of this.models) if (m.queued < best.queued) best = m;
    return best;
  }
}
