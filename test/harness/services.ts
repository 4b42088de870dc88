// Real services for integration tests: each test file that needs them starts its own on free
// ports in a temp folder (node --test runs files in separate processes), and stops them after.
import { after, before } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNats, type LocalNats } from '../../deploy/local/nats.ts';
import { startInflux, type LocalInflux } from '../../deploy/local/influxd.ts';
import { startVictoria, type LocalVictoria } from '../../deploy/local/victoria.ts';

import { waitFor as waitForCondition, type WaitOptions } from '../../deploy/local/wait.ts';

/**
 * Deadlines in tests guard against hangs; they are not performance claims. On a loaded machine
 * (CI beside other jobs, load average 5-20 on 2 cores) starting a CLI under tsx alone can take
 * 20 s, so every waitFor deadline is stretched by STARWATCH_TEST_PATIENCE (default 3).
 */
export const PATIENCE = patience(process.env.STARWATCH_TEST_PATIENCE);

export function patience(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 3;
  const n = Number(raw);
  if (!(n > 0 && Number.isFinite(n))) throw new RangeError(`STARWATCH_TEST_PATIENCE must be a number > 0, got "${raw}"`);
  return n;
}

/** waitFor (deploy/local/wait.ts) with its deadline (default 10 s) stretched by PATIENCE. */
export function waitFor<T>(check: Parameters<typeof waitForCondition<T>>[0], options: WaitOptions = {}): Promise<T> {
  return waitForCondition(check, { ...options, timeoutMs: (options.timeoutMs ?? 10_000) * PATIENCE });
}

/** A temp folder removed after the file's tests; call it at module level, not inside a hook. */
export function tempDir(prefix = 'starwatch-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

interface Wanted {
  nats?: boolean;
  influx?: boolean;
  victoria?: boolean;
}

export interface Services {
  nats: LocalNats;
  influx: LocalInflux;
  victoria: LocalVictoria;
}

/**
 * Registers before/after hooks that start and stop the wanted services; the returned object's
 * fields are filled once `before` has run (read them inside tests, not at module load).
 */
export function useServices(wanted: Wanted): Services {
  const services = {} as Services;
  let dir = '';
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'starwatch-services-'));
    const [nats, influx, victoria] = await Promise.all([
      wanted.nats ? startNats(join(dir, 'nats')) : undefined,
      wanted.influx ? startInflux(join(dir, 'influx')) : undefined,
      wanted.victoria ? startVictoria(join(dir, 'victoria')) : undefined,
    ]);
    Object.assign(services, { nats, influx, victoria });
  });
  after(async () => {
    await Promise.all(
      [services.nats, services.influx, services.victoria].map((s) => s?.stop()),
    );
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return services;
}
