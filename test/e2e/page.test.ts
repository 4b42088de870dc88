// The live page in a real headless Chromium: it connects with the token from the URL fragment,
// its charts grow as window updates flow, and an injected alert and anomaly show up at once.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type NatsConnection } from 'nats';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { useServices, type Services } from '../harness/services.ts';
import { startApi, type RunningApi } from '../../collector/api/start.ts';
import { TOPICS, type LiveAlert, type LiveAnomaly, type LiveWindow } from '../../schemas/live.ts';

const TOKEN = 'page-test-token-0123456789';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

/** A believable 1-second window: a daily-ish wave, a latency bump around `spikeAt`. */
function windowAt(i: number, end: number, spikeAt: number): LiveWindow {
  const wave = Math.sin(i / 7);
  const spike = Math.max(0, 1 - Math.abs(i - spikeAt) / 3);
  const count = Math.round(420 + 60 * wave + 25 * Math.sin(i * 1.7));
  const fields: Record<string, number> = {
    count,
    errors: i % 11 === 0 ? 4 : i % 3 === 0 ? 1 : 0,
    rps: count,
    latency_p50: 3.4 + 0.2 * wave + 2 * spike,
    latency_p95: 6.1 + 0.5 * wave + 9 * spike,
    latency_p99: 8.8 + 0.9 * wave + 16 * spike,
    stego_rate: 0.21 + 0.03 * wave,
    fpr: 0.004 + 0.002 * Math.abs(Math.sin(i / 5)),
    rate_alpha: 0.06 + 0.01 * wave,
    rate_palette: 0.04,
    rate_lsb_rgb: 0.07 - 0.01 * wave,
    rate_exif: 0.02,
    rate_raw: 0.02 + 0.005 * Math.cos(i / 4),
  };
  for (const m of ['alpha', 'palette', 'lsb_rgb', 'exif', 'raw']) {
    fields[`det_${m}`] = 0.93 + 0.04 * Math.sin(i / 9 + m.length) - 0.2 * spike;
    fields[`det_${m}_n`] = 10;
  }
  return { granularity: '1s', model_version: '*', agent: '*', start: end - 1000, end, fields };
}

let services: Services;

describe('live page in headless Chromium', () => {
  services = useServices({ nats: true });
  let nc: NatsConnection;
  let api: RunningApi;
  let context: BrowserContext;
  let page: Page;
  const profile = mkdtempSync(join(tmpdir(), 'starwatch-chromium-'));
  const shots = mkdtempSync(join(tmpdir(), 'starwatch-page-'));

  before(async () => {
    nc = await connect({ servers: services.nats.url });
    api = await startApi({ port: 0, token: TOKEN, nats: nc, influx: { url: 'http://127.0.0.1:9', db: 'unused' } });
    context = await chromium.launchPersistentContext(profile, {
      executablePath: '/usr/bin/chromium',
      args: CHROMIUM_ARGS,
      headless: true,
      viewport: { width: 1440, height: 900 },
    });
    page = await context.newPage();
  });

  after(async () => {
    await context?.close();
    await api?.close();
    await nc?.close();
    rmSync(profile, { recursive: true, force: true });
  });

  test('connects, plots window updates, marks an injected alert and anomaly', async () => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const now = Date.now();
    // A window retained before the page opens arrives as the snapshot.
    api.hub.publish(TOPICS.windows('1s', '*', '*'), windowAt(0, now - 90_000, 60));
    await page.goto(`${api.url}/live/#token=${TOKEN}&g=1s`);
    await page.waitForFunction(() => document.getElementById('status')?.dataset.state === 'live');
    await page.waitForFunction(() => (window as any).starwatchCharts?.throughput.data[0].length === 1);

    for (let i = 1; i < 90; i++) api.hub.publish(TOPICS.windows('1s', '*', '*'), windowAt(i, now - 90_000 + i * 1000, 60));
    api.hub.publish(TOPICS.windows('1s', '2.0.0', 'agent-a'), windowAt(0, now, 0)); // not subscribed
    await page.waitForFunction(() => (window as any).starwatchCharts.latency.data[0].length === 90);
    assert.equal(await page.textContent('#k-rps'), String(Math.round(420 + 60 * Math.sin(89 / 7) + 25 * Math.sin(89 * 1.7))));

    const anomaly: LiveAnomaly = {
      series: 'latency_p95',
      detector: 'ewma-cusum',
      granularity: '1s',
      agent: '*',
      model_version: '*',
      ts: now - 30_000,
      value: 15.1,
      expected: 6.2,
      score: 0.93,
      is_anomaly: true,
    };
    api.hub.publish(TOPICS.anomalies, anomaly);
    const alert: LiveAlert = {
      kind: 'firing',
      alert_id: 'alert-1',
      rule: 'latency_p95_high',
      severity: 'critical',
      state: 'firing',
      key: 'overall',
      value: 15.1,
      threshold: 12,
      message: 'latency p95 15.1 ms > 12 ms for 20 s',
      ts: now - 27_000,
    };
    api.hub.publish(TOPICS.alerts, alert);
    await page.waitForSelector('.ev-critical >> text=latency_p95_high firing');
    await page.waitForSelector('.ev-anomaly >> text=anomaly in latency_p95');
    assert.equal(await page.textContent('#k-alerts'), '1');
    const marks = await page.evaluate(() => (window as any).starwatchCharts.latency.marks.map((m: any) => m.kind));
    assert.deepEqual(marks, ['anomaly', 'alert']);

    const file = join(shots, 'live-page.png');
    await page.screenshot({ path: file, fullPage: true });
    console.log(`screenshot: ${file}`);
    assert.deepEqual(errors, []);
  });

  test('without a token the page asks for one; a wrong one is refused with the reason', async () => {
    const fresh = await context.newPage();
    await fresh.goto(`${api.url}/live/`);
    assert.equal(await fresh.isVisible('#login'), true);
    await fresh.fill('#token', 'wrong');
    await fresh.click('#login button');
    await fresh.waitForFunction(() => document.getElementById('status')?.dataset.state === 'unauthorized');
    assert.match((await fresh.textContent('#status')) ?? '', /unauthorized: missing or wrong token/);
    await fresh.close();
  });
});
