// Watches a running rollout: after each closed window, the gate judges everything seen of that
// primary/candidate pair. A canary that breaks a rule gets a rollback request (NATS subject and,
// if configured, a webhook) once per episode; every change of verdict is written as a decision
// point the boards draw as an annotation.
import type { PointSink } from '../sinks/sink.ts';
import { msToNs } from '../sinks/point.ts';
import { MEASUREMENTS } from '../../schemas/measurements.ts';
import { ROLLBACK_SUBJECT } from '../../schemas/subjects.ts';
import type { Logger } from '../log.ts';
import { pairName, type RolloutComparer } from './comparer.ts';
import { judgeRollout, type GateResult, type GateRules } from './gate.ts';

export interface RollbackRequest {
  v: 1;
  primary: string;
  candidate: string;
  broken: string[];
  rules: GateResult['rules'];
  at: string;
}

export interface RolloutWatchDeps {
  comparer: RolloutComparer;
  rules: GateRules;
  sink: PointSink;
  publish: (subject: string, data: Uint8Array) => void;
  webhook: string;
  log: Logger;
  now?: () => number;
}

export class RolloutWatch {
  private readonly verdicts = new Map<string, GateResult['verdict']>();
  rollbacks = 0;

  constructor(private readonly d: RolloutWatchDeps) {
    d.comparer.onClosed((window) => this.judge(window.key.primary, window.key.candidate));
  }

  private judge(primary: string, candidate: string): void {
    const name = pairName(primary, candidate);
    const seen = this.d.comparer.totals.get(name);
    if (!seen) return;
    const result = judgeRollout(seen.total, seen.endMs - seen.firstMs, this.d.rules);
    if (this.verdicts.get(name) === result.verdict) return;
    this.verdicts.set(name, result.verdict);
    const now = (this.d.now ?? Date.now)();
    const message = result.verdict === 'no-go' ? `rollout ${candidate} over ${primary}: no-go, broken ${result.broken.join(', ')}` : `rollout ${candidate} over ${primary}: ${result.verdict}`;
    this.d.sink.write([{ measurement: MEASUREMENTS.rolloutDecision, tags: { primary, candidate, verdict: result.verdict }, fields: { message, broken: result.broken.join(',') }, timestampNs: msToNs(now) }]);
    this.d.log.info('rollout_decision', { primary, candidate, verdict: result.verdict, broken: result.broken });
    if (result.verdict === 'no-go' && this.d.comparer.modes.get(name) === 'canary') this.rollBack({ v: 1, primary, candidate, broken: result.broken, rules: result.rules, at: new Date(now).toISOString() });
  }

  private rollBack(request: RollbackRequest): void {
    this.rollbacks++;
    const body = JSON.stringify(request);
    this.d.publish(ROLLBACK_SUBJECT, new TextEncoder().encode(body));
    if (!this.d.webhook) return;
    fetch(this.d.webhook, { method: 'POST', body, headers: { 'content-type': 'application/json' }, signal: AbortSignal.timeout(5000) })
      .then((r) => {
        if (!r.ok) this.d.log.warn('rollback_webhook_failed', { status: r.status });
      })
      .catch((e: Error) => this.d.log.warn('rollback_webhook_failed', { error: e.name }));
  }
}
