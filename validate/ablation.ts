// Ablation: how FPR and detection move when one stream is fed as zeros. Ranked by impact, the
// sum of the two moves; on a tie (small datasets, where few verdicts flip) by how far the stego
// probability moved on average, which still tells the streams apart.
import type { StreamName } from '../v4/contract.ts';
import type { Verdict } from '../v4/verdict.ts';
import { isScoredAndLabelled, type ItemResult } from './item-result.ts';
import { rate, type Rate } from './metrics.ts';

export interface AblationRow {
  rank: number;
  stream: StreamName;
  fpr: Rate;
  detection: Rate;
  /** Zeroed minus plain; null when the dataset has no clean (or no stego) image. */
  deltaFpr: number | null;
  deltaDetection: number | null;
  /** Verdicts (stego or clean) that changed. */
  flipped: number;
  meanAbsProbChange: number;
  impact: number;
}

interface Pair {
  plain: Verdict;
  zeroed: Verdict;
  stego: boolean;
}

export function ablationRows(results: readonly ItemResult[], zeroed: ReadonlyMap<StreamName, readonly (Verdict | null)[]>): AblationRow[] {
  const plain = fprAndDetection(results.map((r) => (isScoredAndLabelled(r) ? { verdict: r.verdict, stego: r.label.category === 'stego' } : null)));
  const rows = [...zeroed].map(([stream, verdicts]) => {
    const pairs: Pair[] = [];
    results.forEach((r, i) => {
      const z = verdicts[i];
      if (isScoredAndLabelled(r) && z) pairs.push({ plain: r.verdict, zeroed: z, stego: r.label.category === 'stego' });
    });
    const after = fprAndDetection(pairs.map((p) => ({ verdict: p.zeroed, stego: p.stego })));
    const deltaFpr = delta(after.fpr, plain.fpr);
    const deltaDetection = delta(after.detection, plain.detection);
    const moves = pairs.map((p) => Math.abs(p.zeroed.stegoProb - p.plain.stegoProb));
    return {
      rank: 0,
      stream,
      fpr: after.fpr,
      detection: after.detection,
      deltaFpr,
      deltaDetection,
      flipped: pairs.filter((p) => p.zeroed.isStego !== p.plain.isStego).length,
      meanAbsProbChange: moves.length > 0 ? moves.reduce((a, b) => a + b, 0) / moves.length : 0,
      impact: Math.abs(deltaFpr ?? 0) + Math.abs(deltaDetection ?? 0),
    };
  });
  rows.sort((a, b) => b.impact - a.impact || b.meanAbsProbChange - a.meanAbsProbChange || a.stream.localeCompare(b.stream));
  return rows.map((row, i) => ({ ...row, rank: i + 1 }));
}

function fprAndDetection(items: readonly ({ verdict: Verdict; stego: boolean } | null)[]): { fpr: Rate; detection: Rate } {
  let fp = 0, clean = 0, tp = 0, stego = 0;
  for (const item of items) {
    if (!item) continue;
    if (item.stego) {
      stego++;
      if (item.verdict.isStego) tp++;
    } else {
      clean++;
      if (item.verdict.isStego) fp++;
    }
  }
  return { fpr: rate(fp, clean), detection: rate(tp, stego) };
}

function delta(after: Rate, before: Rate): number | null {
  return after.rate === null || before.rate === null ? null : after.rate - before.rate;
}
