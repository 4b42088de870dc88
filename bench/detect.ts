// starwatch bench detect: cost per point of the default detector (what the collector runs on
// every series each window), against a windowed Gaussian measured in the same run on the same
// points, so the figure means something on a busy machine. The series is a noisy daily rhythm
// at one point a minute, long enough for the seasonal forecasts to be in play.
import type { Command } from 'commander';
import { detectorByName, detectorForKind } from '../collector/detect/factory.ts';
import { RunningStats } from '../collector/detect/running-stats.ts';
import type { Bench, BenchReport } from './registry.ts';

const STEP_MS = 60_000;

export const detectBench: Bench = {
  name: 'detect',
  description: 'us/point of the default detector vs a windowed Gaussian baseline, same points, same run',
  addOptions: (c: Command) => c.option('--points <n>', 'points per detector', '200000'),
  run: (o) => Promise.resolve(runDetectBench(Number(o.points ?? 200_000))),
};

function runDetectBench(points: number): BenchReport {
  const values = dailySeries(points);
  const baseline = usPerPoint(values, windowedGaussian(6400));
  const adaptive = usPerPoint(values, detectorForKind('generic'));
  const classic = usPerPoint(values, detectorByName('robust-z+ewma-cusum'));
  const data = { points, usPerPoint: { adaptive, windowedGaussian: baseline, robustZEwmaCusum: classic }, ratioToBaseline: adaptive / baseline };
  const text = [
    `detect: ${points} points each`,
    `  adaptive (default)      ${adaptive.toFixed(2)} us/point (${(adaptive / baseline).toFixed(1)}x the baseline)`,
    `  windowed Gaussian       ${baseline.toFixed(2)} us/point (baseline)`,
    `  robust-z + ewma-cusum   ${classic.toFixed(2)} us/point`,
  ].join('\n');
  return { name: 'detect', text, data };
}

interface Updatable {
  update(ts: number, value: number): unknown;
}

function usPerPoint(values: Float64Array, detector: Updatable): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < values.length; i++) detector.update(i * STEP_MS, values[i]);
  return Number(process.hrtime.bigint() - start) / 1000 / values.length;
}

/** NAB's windowed Gaussian: tail probability of the point against the last `size` points. */
function windowedGaussian(size: number): Updatable {
  const stats = new RunningStats(size);
  return {
    update(_ts: number, value: number) {
      const z = stats.length < 2 ? 0 : Math.abs(value - stats.mean()) / Math.max(1e-9, Math.sqrt(stats.variance()));
      stats.push(value);
      return z;
    },
  };
}

function dailySeries(n: number): Float64Array {
  const out = new Float64Array(n);
  let seed = 12345;
  for (let i = 0; i < n; i++) {
    seed = (seed * 16807) % 2147483647;
    out[i] = 100 + 30 * Math.sin((2 * Math.PI * i) / 1440) + 5 * (seed / 2147483647 - 0.5);
  }
  return out;
}
