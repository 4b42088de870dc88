// The model's worker thread: loads a V4Model and runs the batches the main thread sends, so
// inference never blocks the event loop that answers /healthz and /metrics. Decode workers may
// also send it an image's streams directly (ForwardedStreams); the answer goes to the main thread.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { isV4Error } from '../errors.ts';
import { V4Model, type V4ModelOptions } from '../model.ts';
import { fromWire, type ForwardedReply, type ForwardedStreams, type WireStreams } from './messages.ts';
import type { ModelReply, ModelRequest } from './remote-model.ts';

const port = parentPort!;
const { modelPath, options } = workerData as { modelPath: string; options: V4ModelOptions };

const failure = (e: unknown) => ({ code: isV4Error(e) ? e.code : null, message: (e as Error)?.message ?? String(e) });

/** Channels from decode workers; closed on release, or they would keep this thread alive. */
const decoders: MessagePort[] = [];

function runForwarded(model: V4Model, m: ForwardedStreams): void {
  const start = performance.now();
  model.run([fromWire(m.streams)]).then(
    (outputs) => {
      const inferMs = performance.now() - start;
      const reply: ForwardedReply = { forwarded: true, id: m.id, ok: true, info: m.info, outputs, decodeMs: m.decodeMs, preprocessMs: m.preprocessMs, inferMs };
      port.postMessage(reply);
    },
    (e: unknown) => port.postMessage({ forwarded: true, id: m.id, ok: false, ...failure(e) } satisfies ForwardedReply),
  );
}

try {
  const model = await V4Model.load(modelPath, options);
  port.on('message', (m: ModelRequest) => {
    if ('connect' in m) {
      decoders.push(m.connect);
      m.connect.on('message', (f: ForwardedStreams) => runForwarded(model, f));
      return;
    }
    if (m.release) {
      for (const d of decoders) d.close();
      model.release().finally(() => port.close());
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
