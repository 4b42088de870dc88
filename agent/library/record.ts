// record(): for a service that runs inference its own way and only wants the events. It takes
// loose, camel-cased facts and fills the rest with neutral values.
import type { Label, Outputs } from '../../schemas/inference-event.ts';
import { ms, outputsFrom } from '../events/build.ts';
import { unknownInput, type InputInfo, type ModelRef, type Observation, type Source } from '../events/observation.ts';
import type { Verdict } from '../../v4/verdict.ts';

export interface RecordInput {
  /** The verdict, in V4Path form; omit it when the request failed. */
  verdict?: Verdict;
  /** The failure's code, e.g. CORRUPT_IMAGE; omit it when the request succeeded. */
  errorCode?: string;
  input?: Partial<InputInfo>;
  timings?: { decodeMs?: number; preprocessMs?: number; inferMs?: number; totalMs?: number };
  label?: Label;
  source?: Source;
  model?: ModelRef;
}

const nonNegative = (x: number | undefined): number => ms(x ?? 0);

export function observationOf(r: RecordInput): Observation {
  if (!r.verdict && !r.errorCode) throw new Error('record() needs a verdict or an errorCode');
  const t = r.timings ?? {};
  const outputs: Outputs | null = r.errorCode ? null : outputsFrom(r.verdict as Verdict);
  return {
    source: r.source ?? 'library',
    input: { ...unknownInput(0), ...r.input },
    timings: {
      decode_ms: nonNegative(t.decodeMs),
      preprocess_ms: nonNegative(t.preprocessMs),
      infer_ms: nonNegative(t.inferMs),
      total_ms: nonNegative(t.totalMs),
    },
    outputs,
    errorCode: r.errorCode ?? null,
    label: r.label,
    model: r.model,
  };
}
