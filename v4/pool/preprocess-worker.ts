// A decode worker: bytes -> the eight streams, off the main thread, so the CPU-heavy decoders
// (fast-png, inflateSync, GIF LZW) and the stream building never block the event loop.
import { parentPort } from 'node:worker_threads';
import { isV4Error } from '../errors.ts';
import { preprocess } from '../preprocess.ts';
import { toWire, type PreprocessReply, type PreprocessTask } from './messages.ts';

const port = parentPort!;

port.on('message', (task: PreprocessTask) => {
  preprocess(task.bytes, task.limits).then(
    (p) => {
      const { streams, transfer } = toWire(p);
      const reply: PreprocessReply = { id: task.id, ok: true, info: p.info, streams, decodeMs: p.decodeMs, preprocessMs: p.preprocessMs };
      port.postMessage(reply, transfer);
    },
    (e: unknown) => {
      const reply: PreprocessReply = { id: task.id, ok: false, code: isV4Error(e) ? e.code : null, message: (e as Error)?.message ?? String(e) };
      port.postMessage(reply);
    },
  );
});
port.postMessage({ ready: true });
