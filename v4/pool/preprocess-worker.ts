// A decode worker: bytes -> the eight streams, off the main thread, so the CPU-heavy decoders
// (fast-png, inflateSync, GIF LZW) and the stream building never block the event loop.
// Connected to the model worker, it sends the streams there directly (transferred): the main
// thread, busy with the HTTP side, is then not a hop an image must wait for.
import { parentPort, type MessagePort } from 'node:worker_threads';
import { isV4Error } from '../errors.ts';
import { preprocess } from '../preprocess.ts';
import { toWire, type ConnectMessage, type ForwardedStreams, type PreprocessReply, type PreprocessTask } from './messages.ts';

const port = parentPort!;
let model: MessagePort | null = null;

function reply(task: PreprocessTask, p: Awaited<ReturnType<typeof preprocess>>): void {
  const { streams, transfer } = toWire(p);
  if (task.forwardAs !== undefined) {
    if (!model) throw new Error('this decode worker is not connected to the model worker');
    const sent: ForwardedStreams = { id: task.forwardAs, info: p.info, streams, decodeMs: p.decodeMs, preprocessMs: p.preprocessMs };
    model.postMessage(sent, transfer);
    port.postMessage({ id: task.id, ok: true, sentToModel: true } satisfies PreprocessReply);
    return;
  }
  port.postMessage({ id: task.id, ok: true, info: p.info, streams, decodeMs: p.decodeMs, preprocessMs: p.preprocessMs } satisfies PreprocessReply, transfer);
}

port.on('message', (m: PreprocessTask | ConnectMessage) => {
  if ('connect' in m) {
    model = m.connect;
    return;
  }
  const task = m;
  preprocess(task.bytes, task.limits)
    .then((p) => reply(task, p))
    .catch((e: unknown) => {
      const failed: PreprocessReply = { id: task.id, ok: false, code: isV4Error(e) ? e.code : null, message: (e as Error)?.message ?? String(e) };
      port.postMessage(failed);
    });
});
port.postMessage({ ready: true });
