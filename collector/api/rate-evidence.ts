// A rate as the API shows it: the counts, the rate, its 95% Wilson interval, and what those counts
// can show about the target. Pure, shared by GET /metrics/rates and its tests.
import { minSamplesForTarget, wilson, type Counts } from '../alerts/evidence.ts';

export interface RateWithEvidence {
  hits: number;
  n: number;
  /** Null with no samples: no rate at all, never NaN. */
  rate: number | null;
  lower: number;
  upper: number;
  target: number;
  /** Samples with no hit needed to show the rate is within the target. */
  min_samples_for_target: number;
  /** 'breach': the whole interval is on the wrong side; 'met': on the right side; else 'not_enough'. */
  evidence: 'breach' | 'met' | 'not_enough';
}

/** `lowIsGood`: FPR (the target is a maximum); otherwise detection (the target is a minimum). */
export function rateWithEvidence(c: Counts, target: number, lowIsGood: boolean): RateWithEvidence {
  const i = wilson(c);
  const bad = lowIsGood ? i.lower > target : i.upper < target;
  const good = lowIsGood ? i.upper <= target : i.lower >= target;
  return {
    hits: c.hits,
    n: c.n,
    rate: c.n > 0 ? i.rate : null,
    lower: i.lower,
    upper: i.upper,
    target,
    min_samples_for_target: minSamplesForTarget(lowIsGood ? target : 1 - target),
    evidence: bad ? 'breach' : good ? 'met' : 'not_enough',
  };
}
