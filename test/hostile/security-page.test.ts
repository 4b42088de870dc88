// Issue 19 item 8, the live page: on main 43698b0 the token stayed in the URL (#token=...), so in
// browser history, and a typed token was written back into it. In a real headless Chromium.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type NatsConnection } from 'nats';
import { chromium, type BrowserContext } from 'playwright-core';
import { useServices } from '../harness/services.ts';
import { startApi, type RunningApi } from '../../collector/api/start.ts';

const TOKEN = 'page-security-token-6d1f0b2e';
const services = useServices({ nats: true });

describe('the live page and its token', () => {
  let nc: NatsConnection;
  let api: RunningApi;
  let context: BrowserContext;
  const profile = mkdtempSync(join(tmpdir(), 'starwatch-chromium-sec-'));

  before(async () => {
    nc = await connect({ servers: services.nats.url });
    api = await startApi({ port: 0, token: TOKEN, nats: nc, influx: { url: 'http://127.0.0.1:9', db: 'unused' } });
    context = await chromium.launchPersistentContext(profile, {
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--disable-component-update', '--disable-sync'],
      headless: true,
    });
  });
  after(async () => {
    await context?.close();
    await api?.close();
    await nc?.close();
    rmSync(profile, { recursive: true, force: true });
  });

  test('the #token fragment is read, then taken out of the URL and history; a reload stays connected', async () => {
    const page = await context.newPage();
    await page.goto(`${api.url}/live/#token=${TOKEN}&g=10s`);
    await page.waitForFunction(() => document.getElementById('status')?.dataset.state === 'live');
    assert.equal(new URL(page.url()).hash, '#g=10s', 'the other settings stay');
    assert.ok(!page.url().includes(TOKEN));
    const entry = await page.evaluate(() => location.href);
    assert.ok(!entry.includes(TOKEN), entry);
    await page.reload();
    await page.waitForFunction(() => document.getElementById('status')?.dataset.state === 'live');
    assert.ok(!page.url().includes(TOKEN));
    await page.close();
  });

  test('a typed token is not written into the URL', async () => {
    const page = await context.newPage();
    await page.goto(`${api.url}/live/`);
    await page.waitForSelector('#login:not([hidden])');
    await page.fill('#token', TOKEN);
    await page.click('#login button, #login [type=submit]');
    await page.waitForFunction(() => document.getElementById('status')?.dataset.state === 'live');
    assert.ok(!page.url().includes(TOKEN), page.url());
    await page.close();
  });
});
