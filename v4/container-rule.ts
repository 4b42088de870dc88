// A lossy container (JPEG, lossy WebP) keeps none of its pixels' lowest bits: no payload hidden
// in the alpha, palette-index or RGB LSBs survives its encoding (the contract's methods put those
// in PNG, BMP and GIF). So such a file the model calls stego by one of those methods is a false
// positive by construction, whatever the model saw in its pixels; the model itself cannot know,
// as no stream tells it the container. The verdict keeps the model's probability and method,
// is not stego, and says it was ruled out. Measured on ten held-out sets (models/README.md,
// "The container rule"): it cleared 7 false positives (JPEG and WebP) and no detection.
import type { StegoMethod } from './contract.ts';
import type { ModelOutputs } from './outputs.ts';
import { verdictAt, type Verdict } from './verdict.ts';

/** Methods that hide the payload in the decoded pixels' lowest bits. */
export const PIXEL_LSB_METHODS: ReadonlySet<StegoMethod> = new Set<StegoMethod>(['alpha', 'palette', 'lsb.rgb']);

export function ruleOutImpossible(verdict: Verdict, container: { lossy: boolean }): Verdict {
  if (!verdict.isStego || !container.lossy || verdict.method === null || !PIXEL_LSB_METHODS.has(verdict.method)) return verdict;
  return { ...verdict, isStego: false, ruledOut: true };
}

/** The verdict Starwatch answers for image `i` of a run: the model's, then this rule. */
export function containerVerdict(out: ModelOutputs, i: number, threshold: number, container: { lossy: boolean }): Verdict {
  return ruleOutImpossible(verdictAt(out, i, threshold), container);
}
