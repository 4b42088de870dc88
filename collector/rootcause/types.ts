// Input to root-cause ranking: for each dimension (model_version, agent, format, method,
// size_bucket), the counts behind one rate per value, over a baseline period and over the
// anomalous period. A rate is numerator / denominator: FPR = false positives / clean labelled
// events, error rate = errors / requests, detection = detected / stego labelled. For a plain
// count (requests), set every denominator to 1 and use kind 'count'.

export interface RateCounts {
  numerator: number;
  denominator: number;
}

export interface SliceCounts {
  /** The dimension value, e.g. 'webp' for dimension 'format'. */
  value: string;
  baseline: RateCounts;
  current: RateCounts;
}

export interface DimensionBreakdown {
  dimension: string;
  slices: SliceCounts[];
}

export interface RankedValue {
  value: string;
  /** Share of the overall change this value explains (can be negative: it moved the other way). */
  explanatoryPower: number;
  /** How unexpected the value's share of the traffic/events is now (Jensen-Shannon, 0..1). */
  surprise: number;
  baselineRate: number;
  currentRate: number;
}

export interface RankedDimension {
  dimension: string;
  /** Sum of the explanatory power of the chosen values. */
  explained: number;
  /** Sum of the chosen values' surprise: how the dimensions are ordered (as in Adtributor). */
  surprise: number;
  /** True when a few values explain at least the required share of the change. */
  succinct: boolean;
  /** The chosen values, most surprising first. */
  culprits: RankedValue[];
  /** All values, by explanatory power. */
  values: RankedValue[];
}

export interface RootCauseResult {
  baselineRate: number;
  currentRate: number;
  dimensions: RankedDimension[];
}
