// How full the events stream is, 0..1: the larger of bytes over max_bytes and messages over
// max_msgs (a stream without either bound is never full: 0). Exposed as
// starwatch_collector_stream_usage_ratio; the alert rule fires at 0.8, before a full stream
// starts refusing the agents' batches.
import type { JetStreamManager } from 'nats';

export async function streamUsage(jsm: JetStreamManager, stream: string): Promise<number> {
  const { config, state } = await jsm.streams.info(stream);
  return usageOf(config, state);
}

export function usageOf(
  config: { max_bytes: number; max_msgs: number },
  state: { bytes: number; messages: number },
): number {
  const byBytes = config.max_bytes > 0 ? state.bytes / config.max_bytes : 0;
  const byMessages = config.max_msgs > 0 ? state.messages / config.max_msgs : 0;
  return Math.max(byBytes, byMessages);
}
