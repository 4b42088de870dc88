// The model's worker thread: loads a V4Model and runs the batches the main thread sends, so
// inference never blocks the event loop that answers /healthz and /metrics.
import { parentPort, workerData } from 'node:worker_threads';
import { isV4Error } from '../errors.ts';
import { V4Model, type V4ModelOptions } from '../model.ts';
import { fromWire, type WireStreams } from './messages.ts';
import type { ModelReply, ModelRequest } from './remote-model.ts';

const port = parentPort!;
const { modelPath, options } = workerData as { modelPath: string; options: V4ModelOptions };

const failure = (e: unknown) => ({ code: isV4Error(e) ? e.code : null, message: (e as Error)?.message ?? String(e) });

try {
  const model = await V4Model.load(modelPath, options);
  port.on('message', (m: ModelRequest) => {
    if (m.release) {
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
