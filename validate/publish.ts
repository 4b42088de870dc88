// --publish: every labelled result goes out as an InferenceEvent (source "validate", with its
// label) through the agent's own publisher, so validation traffic reaches the collector, the
// windows (FPR, detection) and the dashboards like any other. The run's summary points are then
// published on the core subject VALIDATION_SUBJECT, one JSON point per message.
import { randomBytes } from 'node:crypto';
import { EventBuilder, observeError, observeResult, ms } from '../agent/events/build.ts';
import type { Observation } from '../agent/events/observation.ts';
import { EventPublisher } from '../agent/publish/publisher.ts';
import type { ModelIdentity } from '../v4/model.ts';
import type { ImageFormat } from '../v4/contract.ts';
import type { InferenceEvent } from '../schemas/inference-event.ts';
import { VALIDATION_SUBJECT } from '../schemas/subjects.ts';
import type { ItemResult } from './item-result.ts';
import { validationPoints } from './summary-points.ts';
import type { ValidationReport } from './validation.ts';

export interface PublishOptions {
  servers: string[];
  /** Agent id the events carry. */
  agentId?: string;
  timeoutMs?: number;
}

export interface PublishOutcome {
  eventsSent: number;
  eventsDropped: number;
  summaryPoints: number;
  /** False when not everything was acknowledged in time. */
  complete: boolean;
  runId: string;
}

export function eventsOf(results: readonly ItemResult[], model: ModelIdentity, agentId: string): InferenceEvent[] {
  const builder = new EventBuilder(agentId, model);
  return results.filter((r) => r.label !== null).map((r) => builder.build(observationOf(r)));
}

function observationOf(r: ItemResult): Observation {
  const label = { label: r.label! };
  if (r.verdict && r.timings) {
    const info = { format: r.format as ImageFormat, width: r.width, height: r.height, bytes: r.bytes };
    return observeResult('validate', { info, verdict: r.verdict, timings: r.timings }, label);
  }
  const input = { format: r.format, bytes: Math.max(0, r.bytes), width: r.width, height: r.height };
  return observeError('validate', r.error?.code ?? 'UNKNOWN', input, ms(r.timings?.totalMs ?? 0), label);
}

export async function publishValidation(report: ValidationReport, results: readonly ItemResult[], options: PublishOptions): Promise<PublishOutcome> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const runId = randomBytes(8).toString('hex');
  const publisher = new EventPublisher({ agentId: options.agentId ?? 'validate', nats: { servers: options.servers, name: 'starwatch-validate' } });
  publisher.start();
  for (const event of eventsOf(results, report.model, publisher.agentId)) publisher.enqueue(event);
  let complete = await publisher.flush(timeoutMs);
  let summaryPoints = 0;
  const nc = publisher.connection;
  if (nc) {
    for (const point of validationPoints(report, runId)) {
      nc.publish(VALIDATION_SUBJECT, JSON.stringify(point));
      summaryPoints++;
    }
    complete = (await nc.flush().then(() => true, () => false)) && complete;
  } else {
    complete = false;
  }
  await publisher.close(1000);
  const stats = publisher.snapshot();
  return { eventsSent: stats.sent, eventsDropped: stats.dropped, summaryPoints, complete, runId };
}
