// Starwatch for someone else's Node service:
//   const watch = await createAgent({ nats: 'nats://127.0.0.1:4222', agentId: 'web-1' });
//   const result = await watch.scan(bytes);                   // the V4 path, instrumented
//   const session = watch.wrapSession(ortSession, { model }); // an existing session, instrumented
//   watch.record({ verdict, timings: { totalMs } });           // your own inference, recorded
//   await watch.close();                                       // flushes queued events
import type { InferenceSession } from 'onnxruntime-node';
import type { InferenceEvent } from '../schemas/inference-event.ts';
import { StarwatchAgent, type ScanOptions } from './library/agent.ts';
import type { ScanResult } from '../v4/path.ts';
import { createAgent as createCore, type CreateAgentOptions } from './library/create-agent.ts';
import { observationOf, type RecordInput } from './library/record.ts';
import { wrapSession, type WrapOptions } from './library/wrap-session.ts';

export type { CreateAgentOptions } from './library/create-agent.ts';
export type { RecordInput } from './library/record.ts';
export type { WrapOptions } from './library/wrap-session.ts';
export type { ScanOptions, ScanOutcome } from './library/agent.ts';

export interface Watch {
  readonly agent: StarwatchAgent;
  /** Scans with the V4 path and emits its event; rejects with the V4Error as the path would. */
  scan(bytes: Uint8Array, options?: ScanOptions): Promise<ScanResult>;
  wrapSession<S extends InferenceSession>(session: S, options: WrapOptions): S;
  record(input: RecordInput): InferenceEvent;
  stats: StarwatchAgent['stats'];
  close(timeoutMs?: number): Promise<void>;
}

export async function createAgent(options: CreateAgentOptions): Promise<Watch> {
  const agent = await createCore(options);
  return {
    agent,
    scan: async (bytes, scanOptions) => {
      const outcome = await agent.scanOutcome(bytes, scanOptions);
      if (outcome.ok) return outcome.result;
      throw outcome.error;
    },
    wrapSession: (session, wrapOptions) => wrapSession(agent, session, wrapOptions),
    record: (input) => agent.emit(observationOf(input)),
    stats: () => agent.stats(),
    close: (timeoutMs) => agent.close(timeoutMs),
  };
}
