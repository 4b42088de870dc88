// A baseline judges the model it was measured on: with two models in traffic, regression rules run
// on that model's scope only, not on the other model nor on `overall` (a mix of both).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Subject } from 'rxjs';
import { startAnalysis } from '../../collector/analysis/start-analysis.ts';
import type { Point } from '../../collector/sinks/point.ts';
import { WindowEngine } from '../../collector/windows/engine.ts';
import type { WindowResult } from '../../collector/windows/window-result.ts';
import { scenarioEvents } from '../fixtures/analysis-scenario.ts';

const quiet = { log() {}, info() {}, warn() {}, error() {}, debug() {} };

async function regressionKeys(baselineModel: string | null): Promise<Set<string>> {
  const dir = mkdtempSync(join(tmpdir(), 'baseline-scope-'));
  try {
    const file = join(dir, 'b.json');
    const model = baselineModel ? { id: 'm.onnx', version: baselineModel, sha256: 'a'.repeat(64) } : null;
    writeFileSync(file, JSON.stringify({ kind: 'starwatch-validate-baseline', v: 1, model, dataset: null, created: null, fpr: null, detection: {}, latency_p95_ms: 1 }));
    const points: Point[] = [];
    const window$ = new Subject<WindowResult>();
    const handle = await startAnalysis({ window$, sink: { write: (p) => void points.push(...p) }, natsPublish() {}, settings: { forMs: 0, baselineFile: file }, log: quiet });
    // The fixture's two agents run v4.0.0 and v4.1.0, both at about 2 ms: above 1.2 x 1 ms.
    const base = Date.UTC(2025, 0, 1);
    const engine = new WindowEngine({ allowedLatenessMs: 500, idleGraceMs: 1000, replica: '0' });
    for (const e of scenarioEvents({ base, end: 60_000 })) {
      engine.add(e, Number(BigInt(e.ts_ns) / 1_000_000n), Date.now());
      for (const w of engine.advance(Date.now())) window$.next(w);
    }
    for (const w of engine.advance(Date.now() + 3_600_000)) window$.next(w);
    window$.complete();
    await handle.stop();
    return new Set(points.filter((p) => p.measurement === 'alert' && p.tags.rule === 'latency_p95_regression').map((p) => p.tags.key));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a baseline of v4.0.0 judges model:v4.0.0 only', async () => {
  assert.deepEqual(await regressionKeys('v4.0.0'), new Set(['model:v4.0.0']));
});

test('a baseline naming no model judges every scope', async () => {
  assert.deepEqual(await regressionKeys(null), new Set(['overall', 'model:v4.0.0', 'model:v4.1.0']));
});
