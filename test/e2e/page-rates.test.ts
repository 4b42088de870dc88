// The live page in real Chromium against real influxd: it opens with the last 15 minutes of
// windows (read through the API, before any live update), shows FPR and detection over the last
// minute with n and the 95% interval, and never shows NaN, neither before data nor after.
// GET /metrics/rates gives the same counts with their interval.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type NatsConnection } from 'nats';
import { chromium, type BrowserContext } from 'playwright-core';
import { startApi, type RunningApi } from '../../collector/api/start.ts';
import { windowPoints } from '../../collector/points/window-points.ts';
import { formatLine } from '../../collector/sinks/line-protocol.ts';
import { WindowEngine } from '../../collector/windows/engine.ts';
import type { WindowResult } from '../../collector/windows/window-result.ts';
import type { InferenceEvent } from '../../schemas/inference-event.ts';
import { makeEvent } from '../fixtures/collector-events.ts';
import { useServices, type Services } from '../harness/services.ts';

const TOKEN = 'page-rates-test-token';
const DB = 'page_rates_test';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'];

/** 16 minutes up to a few seconds ago, 2 events/s: half labelled clean (10% flagged), half stego alpha (80% found). */
function recentEvents(now: number): InferenceEvent[] {
  const out: InferenceEvent[] = [];
  const from = Math.floor((now - 16 * 60_000) / 10_000) * 10_000;
  for (let t = from, i = 0; t < now - 2000; t += 500, i++) {
    const clean = i % 2 === 0;
    const flagged = clean ? i % 20 === 0 : i % 10 !== 1;
    out.push(
      makeEvent({
        id: `e-${i}`,
        agent: 'edge-1',
        modelVersion: 'v4.0.0',
        tsMs: t,
        prob: flagged ? 0.9 : 0.1,
        method: 'alpha',
        label: clean ? { category: 'clean' } : { category: 'stego', method: 'alpha' },
      }),
    );
  }
  return out;
}

async function writeWindows(influxUrl: string, windows: WindowResult[]): Promise<void> {
  const q = await fetch(`${influxUrl}/query`, { method: 'POST', body: new URLSearchParams({ q: `CREATE DATABASE ${DB}` }) });
  assert.equal(q.status, 200);
  const lines = windows.flatMap(windowPoints).map(formatLine).filter(Boolean).join('\n');
  const w = await fetch(`${influxUrl}/write?db=${DB}&precision=ns`, { method: 'POST', body: lines });
  assert.equal(w.status, 204, await w.text());
}

let services: Services;

describe('live page: history, rates over a minute with evidence, no NaN', () => {
  services = useServices({ nats: true, influx: true });
  let nc: NatsConnection;
  let api: RunningApi;
  let context: BrowserContext;
  const profile = mkdtempSync(join(tmpdir(), 'starwatch-chromium-rates-'));
  const overall: WindowResult[] = [];

  before(async () => {
    const engine = new WindowEngine({ allowedLatenessMs: 0, idleGraceMs: 0, replica: '0' });
    const windows: WindowResult[] = [];
    for (const e of recentEvents(Date.now())) engine.add(e, Number(BigInt(e.ts_ns) / 1_000_000n), Date.now());
    windows.push(...engine.advance(Date.now() + 120_000));
    overall.push(...windows.filter((w) => w.granularity === '10s' && w.agent === '*' && w.model_version === '*').sort((a, b) => a.start - b.start));
    await writeWindows(services.influx.url, windows);
    nc = await connect({ servers: services.nats.url });
    api = await startApi({ port: 0, token: TOKEN, nats: nc, influx: { url: services.influx.url, db: DB }, limits: { queryCacheMs: 0 } });
    context = await chromium.launchPersistentContext(profile, { executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true, viewport: { width: 1440, height: 900 } });
  });

  after(async () => {
    await context?.close();
    await api?.close();
    await nc?.close();
    rmSync(profile, { recursive: true, force: true });
  });

  test('GET /metrics/rates: the last minute\'s counts, rate and 95% interval; the sample size a target needs', async () => {
    const res = await fetch(`${api.url}/metrics/rates?window=5m`, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.ok(body.fpr.n > 200, `n = ${body.fpr.n}`);
    assert.ok(Math.abs(body.fpr.rate - 0.1) < 0.02, `fpr ${body.fpr.rate}`);
    assert.ok(body.fpr.lower < body.fpr.rate && body.fpr.rate < body.fpr.upper);
    assert.equal(body.fpr.evidence, 'breach', '10% is surely above 0.05%');
    assert.equal(body.fpr.min_samples_for_target, 7680);
    assert.ok(Math.abs(body.detection_by_method.alpha.rate - 0.8) < 0.03, `alpha ${body.detection_by_method.alpha.rate}`);
    assert.equal(body.detection_by_method.palette.rate, null, 'no palette samples: null, never NaN');
    assert.equal(body.detection_by_method.palette.n, 0);
  });

  test('opens with 15 minutes of history, rates over the last minute with n and interval, no NaN anywhere', async () => {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${api.url}/live/#token=${TOKEN}`);
    // History only: nothing is published on the feed in this test.
    await page.waitForFunction(() => (window as any).starwatchCharts?.latency.data[0].length >= 80, undefined, { timeout: 30_000 });
    const points = await page.evaluate(() => (window as any).starwatchCharts.latency.data[0].length);
    const expectedPoints = overall.filter((w) => w.start > Date.now() - 15 * 60_000 - 10_000).length;
    assert.ok(Math.abs(points - expectedPoints) <= 2, `${points} points of history, ${expectedPoints} windows in 15 min`);

    const last = overall.at(-1)!;
    const minute = overall.filter((w) => w.end > last.end - 60_000);
    const fp = minute.reduce((s, w) => s + w.acc.fp, 0);
    const clean = minute.reduce((s, w) => s + w.acc.cleanLabelled, 0);
    assert.equal(await page.textContent('#k-fpr'), `${((fp / clean) * 100).toFixed(1)}%`);
    assert.match((await page.textContent('#k-fpr-n')) ?? '', new RegExp(`^n=${clean} · 95% \\d+\\.\\d+%–\\d+\\.\\d+%$`));
    assert.match((await page.textContent('#k-det-n')) ?? '', /^n=\d+ · 95% /);

    const text = await page.evaluate(() => document.body.innerText);
    assert.ok(!text.includes('NaN'), text.slice(0, 2000));
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('a scope with no data: empty charts whose legends show dashes, not NaN-NaN-NaN', async () => {
    const page = await context.newPage();
    await page.goto(`${api.url}/live/#token=${TOKEN}&model=none-such`);
    await page.waitForFunction(() => document.getElementById('status')?.dataset.state === 'live', undefined, { timeout: 30_000 });
    const legends = await page.evaluate(() => Array.from(document.querySelectorAll(".u-legend"), (l) => (l as HTMLElement).innerText).join(' | '));
    assert.ok(legends.length > 0, 'legends are drawn');
    assert.ok(!legends.includes('NaN'), legends);
    assert.equal(await page.textContent('#k-fpr-n'), 'no data yet');
    await page.close();
  });
});
