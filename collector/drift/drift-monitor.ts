// Compares each window's distributions with a reference period. Prediction drift: the stego
// probability histogram and the predicted method mix. Input drift: format mix and image size
// buckets. The reference is either supplied (a saved baseline) or the first N windows seen.
// Several recent windows can be pooled, because one 1 s window holds too few events to judge.
import { addCounts, total, type Counts } from './distribution.ts';
import { jensenShannon } from './jensen-shannon.ts';
import { psi, psiLevel, type DriftLevel } from './psi.ts';

export const PREDICTION_FACETS = ['stego_prob', 'method'] as const;
export const INPUT_FACETS = ['format', 'size'] as const;
export const DRIFT_FACETS = [...PREDICTION_FACETS, ...INPUT_FACETS] as const;
export type DriftFacet = (typeof DRIFT_FACETS)[number];

export type FacetCounts = Partial<Record<DriftFacet, Counts>>;

export interface DriftWindow {
  ts: number;
  facets: FacetCounts;
}

export interface FacetDrift {
  psi: number;
  js: number;
  level: DriftLevel;
  /** Events in the compared (pooled) current counts. */
  samples: number;
  /** The reference period compared with: starts of its first and last windows (ms). */
  reference: ReferencePeriod;
}

export interface ReferencePeriod {
  startMs: number;
  endMs: number;
}

/** A finished reference, as saved and supplied again after a restart. */
export interface SavedReference {
  counts: FacetCounts;
  period: ReferencePeriod;
}

export interface DriftReport {
  ts: number;
  status: 'learning' | 'ready';
  facets: Partial<Record<DriftFacet, FacetDrift>>;
  /** Highest PSI over the prediction facets (NaN if none had enough samples). */
  predictionPsi: number;
  inputPsi: number;
}

export interface DriftMonitorOptions {
  /** Windows that make the reference when no baseline is supplied. */
  referenceWindows: number;
  /** A saved reference; when given, learning is skipped. */
  baseline?: FacetCounts;
  /** The period the saved reference covers (unknown for a hand-made baseline). */
  baselinePeriod?: ReferencePeriod;
  /** Latest windows pooled into the current distribution. */
  currentWindows: number;
  /** A facet with fewer current events is not judged. */
  minSamples: number;
}

export const DRIFT_DEFAULTS: DriftMonitorOptions = { referenceWindows: 60, currentWindows: 1, minSamples: 100 };

export class DriftMonitor {
  private readonly options: DriftMonitorOptions;
  private readonly reference: FacetCounts = {};
  private referenceSeen = 0;
  private period: ReferencePeriod | null = null;
  private readonly recent: FacetCounts[] = [];

  constructor(options: Partial<DriftMonitorOptions> = {}) {
    this.options = { ...DRIFT_DEFAULTS, ...options };
    if (this.options.baseline) {
      for (const facet of DRIFT_FACETS) {
        const counts = this.options.baseline[facet];
        if (counts) this.reference[facet] = { ...counts };
      }
      this.referenceSeen = Infinity;
      this.period = this.options.baselinePeriod ?? null;
    }
  }

  /** The finished reference with its period, to save (null while still learning). */
  saved(): SavedReference | null {
    return this.ready && this.period ? { counts: this.exportReference(), period: { ...this.period } } : null;
  }

  get ready(): boolean {
    return this.referenceSeen >= this.options.referenceWindows;
  }

  /** The reference as counts, to save and supply later as `baseline`. */
  exportReference(): FacetCounts {
    return structuredClone(this.reference);
  }

  update(window: DriftWindow): DriftReport {
    if (!this.ready) {
      this.learn(window.facets);
      this.period = { startMs: this.period?.startMs ?? window.ts, endMs: window.ts };
      return { ts: window.ts, status: 'learning', facets: {}, predictionPsi: NaN, inputPsi: NaN };
    }
    this.recent.push(window.facets);
    if (this.recent.length > this.options.currentWindows) this.recent.shift();
    const facets: Partial<Record<DriftFacet, FacetDrift>> = {};
    for (const facet of DRIFT_FACETS) {
      const result = this.compare(facet);
      if (result) facets[facet] = result;
    }
    return {
      ts: window.ts,
      status: 'ready',
      facets,
      predictionPsi: highest(PREDICTION_FACETS.map((f) => facets[f]?.psi)),
      inputPsi: highest(INPUT_FACETS.map((f) => facets[f]?.psi)),
    };
  }

  private learn(facets: FacetCounts): void {
    for (const facet of DRIFT_FACETS) {
      const counts = facets[facet];
      if (counts) this.reference[facet] = addCounts(this.reference[facet] ?? {}, counts);
    }
    this.referenceSeen++;
  }

  private compare(facet: DriftFacet): FacetDrift | null {
    const reference = this.reference[facet];
    if (!reference || total(reference) === 0) return null;
    const current: Counts = {};
    for (const window of this.recent) addCounts(current, window[facet] ?? {});
    const samples = total(current);
    if (samples < this.options.minSamples) return null;
    const value = psi(reference, current);
    const period = this.period ?? { startMs: NaN, endMs: NaN };
    return { psi: value, js: jensenShannon(reference, current), level: psiLevel(value), samples, reference: period };
  }
}

function highest(values: (number | undefined)[]): number {
  const present = values.filter((v): v is number => v !== undefined);
  return present.length === 0 ? NaN : Math.max(...present);
}
