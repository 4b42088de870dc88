// The decode worker thread (decode-offload.ts): big messages are parsed and checked here, so
// their JSON.parse (one uninterruptible call, 5-10 ms a MiB on an idle core, many times that on
// a busy machine) never holds the collector's event loop.
import { parentPort } from 'node:worker_threads';
import { niceThisThread } from '../../v4/pool/thread-priority.ts';
import { decodeMessage, type DecodeLimits, type Decoded, type Origin } from './decode.ts';
import { DECODE_WORKER_NICE } from './decode-worker-nice.ts';

export interface DecodeTask {
  id: number;
  data: Uint8Array;
  origin: Origin;
  limits: DecodeLimits;
  nowMs: number;
}

export type DecodeReply = { id: number; ok: true; decoded: Decoded } | { id: number; ok: false; message: string };

niceThisThread(DECODE_WORKER_NICE);
const port = parentPort!;
port.on('message', (task: DecodeTask) => {
  let reply: DecodeReply;
  try {
    reply = { id: task.id, ok: true, decoded: decodeMessage(task.data, task.origin, task.limits, task.nowMs) };
  } catch (e) {
    reply = { id: task.id, ok: false, message: (e as Error).message };
  }
  port.postMessage(reply);
});
port.postMessage('ready');
