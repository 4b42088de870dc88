// The model's worker thread: loads a V4Model and runs the batches the main thread sends, so
// inference never blocks the event loop that answers /healthz and /metrics. Decode workers may
// also send it an image's streams directly (ForwardedStreams), or the main thread an image's
// bytes to decode here (ScanRequest); either answer goes to the main thread.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { isV4Error, toV4Error } from '../errors.ts';
import type { V4Streams } from '../contract.ts';
import { V4Model, type V4ModelOptions } from '../model.ts';
import { preprocess, type Preprocessed } from '../preprocess.ts';
import { newStreamBuffers } from '../streams/stream-buffers.ts';
import { niceThisThread } from './thread-priority.ts';
import { visibleDecodeMs } from './visible-decode.ts';
import { fromWire, type ForwardedReply, type ForwardedStreams, type ScanRequest, type WireStreams } from './messages.ts';
import type { ModelReply, ModelRequest } from './remote-model.ts';

const port = parentPort!;
const { modelPath, options, aloneThreads, nice } = workerData as { modelPath: string; options: V4ModelOptions; aloneThreads?: number; nice?: number };
// Before the sessions exist, so the threads onnxruntime starts inherit the priority.
if (nice !== undefined) niceThisThread(nice);

const failure = (e: unknown) => ({ code: isV4Error(e) ? e.code : null, message: (e as Error)?.message ?? String(e) });

/** Channels from decode workers; closed on release, or they would keep this thread alive. */
const decoders: MessagePort[] = [];

const failed = (id: number, e: unknown) => port.postMessage({ forwarded: true, id, ok: false, ...failure(e) } satisfies ForwardedReply);

/** When this thread's last inference ended (performance.now()). */
let lastInferenceEnd = 0;

/** Runs one image's streams and answers the main thread under `id`. */
function runOne(model: V4Model, id: number, p: Omit<Preprocessed, 'streams'>, streams: V4Streams, threads = options.threads ?? 1): Promise<void> {
  const start = performance.now();
  return model.run([streams]).then(
    (outputs) => {
      lastInferenceEnd = performance.now();
      const inferMs = lastInferenceEnd - start;
      const reply: ForwardedReply = { forwarded: true, id, ok: true, info: p.info, outputs, decodeMs: p.decodeMs, preprocessMs: p.preprocessMs, inferMs, threads };
      port.postMessage(reply);
    },
    (e: unknown) => failed(id, e),
  );
}

/**
 * Images sent here to decode: an image's decoding (libvips, on a libuv thread) starts while the
 * image before it is inferred (onnxruntime runs on this thread), so a worker keeps a second core
 * busy instead of leaving it idle between its two phases. Decodings go one at a time, and so do
 * inferences, in arrival order: started together, they would only compete for the same cores.
 */
let decoding: Promise<unknown> = Promise.resolve();
let inferring: Promise<unknown> = Promise.resolve();

/**
 * The same model with more intra-op threads, for an image alone in flight (ScanRequest.alone):
 * the other cores are idle then, and a second thread took inference from 4.3 to 2.8 ms; under
 * load it would only cost CPU (4.7 -> 5.1 ms a run), so busy images use the first model.
 */
interface Wide {
  model: V4Model;
  threads: number;
}

/**
 * Two sets of stream buffers, used in turn: an image's streams are built while the one before it
 * may still be waiting for its inference. A set is written again only once the image that last
 * used it was inferred.
 */
const slots = [newStreamBuffers(), newStreamBuffers()];
const slotFree: Promise<unknown>[] = [Promise.resolve(), Promise.resolve()];
let nextSlot = 0;

function scanHere(model: V4Model, wide: Wide | null, m: ScanRequest): void {
  const use = m.alone && wide ? wide : { model, threads: options.threads ?? 1 };
  const slot = nextSlot;
  nextSlot = 1 - slot;
  let started = 0;
  const decoded = Promise.all([decoding, slotFree[slot]]).then(() => {
    started = performance.now();
    return preprocess(m.scan, m.limits, slots[slot]);
  });
  decoding = decoded.catch(() => undefined);
  const done = Promise.all([inferring, decoding]).then(() =>
    decoded.then(
      (p) => runOne(use.model, m.id, { ...p, decodeMs: visibleDecodeMs(started, p.decodeMs, lastInferenceEnd) }, p.streams, use.threads),
      (e: unknown) => failed(m.id, toV4Error(e)),
    ),
  );
  inferring = slotFree[slot] = done;
}

try {
  const model = await V4Model.load(modelPath, options);
  let wide: Wide | null = null;
  if (aloneThreads && aloneThreads !== (options.threads ?? 1)) {
    wide = { model: await V4Model.load(modelPath, { ...options, threads: aloneThreads }), threads: aloneThreads };
    await wide.model.warmUp();
  }
  port.on('message', (m: ModelRequest) => {
    if ('connect' in m) {
      decoders.push(m.connect);
      m.connect.on('message', (f: ForwardedStreams) => void runOne(model, f.id, f, fromWire(f.streams)));
      return;
    }
    if ('scan' in m) return scanHere(model, wide, m);
    if (m.release) {
      for (const d of decoders) d.close();
      Promise.all([model.release(), wide?.model.release()]).finally(() => port.close());
      return;
    }
    model.run(m.batch.map((s: WireStreams) => fromWire(s)), { zeroStreams: m.zeroStreams }).then(
      (outputs) => port.postMessage({ id: m.id, ok: true, outputs } satisfies ModelReply),
      (e: unknown) => port.postMessage({ id: m.id, ok: false, ...failure(e) } satisfies ModelReply),
    );
  });
  port.postMessage({ ready: true, identity: model.identity, inputs: model.inputs, outputs: model.outputs });
} catch (e) {
  port.postMessage({ ready: false, ...failure(e) });
}
