// Listens on starwatch.v1.models.> (core NATS, the replicas' queue group) and writes each model
// an agent announces as a `model` point: the registry of every model known, with when each was
// first and last announced (collector/registry/versions.ts reads them back). Invalid
// announcements are counted and logged (summarised), never stored.
import { Counter, type Registry } from 'prom-client';
import type { NatsConnection } from 'nats';
import { ModelAnnounce } from '../../schemas/model-announce.ts';
import { MEASUREMENTS } from '../../schemas/measurements.ts';
import { MODELS_SUBJECT_PREFIX } from '../../schemas/subjects.ts';
import { validator } from '../../schemas/validate.ts';
import { SummarisedLog } from '../consume/summarised-log.ts';
import type { Logger } from '../log.ts';
import { msToNs, type Point } from '../sinks/point.ts';
import type { PointSink } from '../sinks/sink.ts';

const checkAnnounce = validator(ModelAnnounce);
/** An announcement is a few hundred bytes; more is not one. */
const MAX_BYTES = 16 * 1024;

export function announcePoints(a: ModelAnnounce, nowMs: number): Point[] {
  return a.models.map((m) => ({
    measurement: MEASUREMENTS.model,
    tags: { model_version: m.version, agent: a.agent_id, role: m.role },
    fields: { id: m.id, sha256: m.sha256, inputs: m.inputs.join(','), outputs: m.outputs.join(',') },
    // The collector's clock: an agent's clock may be off, and first/last seen are ours to tell.
    timestampNs: msToNs(nowMs),
  }));
}

export function subscribeModels(d: { nc: NatsConnection; queue: string; sink: Pick<PointSink, 'write'>; registry: Registry; log: Logger }): { stop(): void } {
  const counted = new Counter({ name: 'starwatch_collector_model_announcements_total', help: 'Model announcements of agents, by outcome (valid, invalid)', labelNames: ['outcome'], registers: [d.registry] });
  const refusals = new SummarisedLog(d.log, 'model_announcement_invalid');
  const sub = d.nc.subscribe(`${MODELS_SUBJECT_PREFIX}.>`, {
    queue: d.queue,
    callback: (error, msg) => {
      if (error) return d.log.warn('models_subscription_failed', { error: error.message });
      let parsed: unknown;
      try {
        parsed = msg.data.length <= MAX_BYTES ? JSON.parse(new TextDecoder().decode(msg.data)) : undefined;
      } catch {
        parsed = undefined;
      }
      const checked = checkAnnounce(parsed);
      if (!checked.ok) {
        counted.inc({ outcome: 'invalid' });
        refusals.warn('invalid', { subject: msg.subject, reason: parsed === undefined ? 'not JSON or too large' : checked.reason });
        return;
      }
      counted.inc({ outcome: 'valid' });
      d.sink.write(announcePoints(checked.value, Date.now()));
    },
  });
  return { stop: () => { sub.unsubscribe(); refusals.stop(); } };
}
