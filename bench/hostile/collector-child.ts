// A collector as its own process (`starwatch collector --config`), started, killed and started
// again on one config: the set-up of the crash and restart tests (test/integration/
// collector-crash.test.ts, test/hostile/collector-restart.test.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, type NatsConnection } from 'nats';
import type { CollectorConfig } from '../../collector/config.ts';
import { ensureStreams } from '../../collector/consume/streams.ts';
import { streamSettingsOf } from '../../collector/start.ts';

export interface CollectorChild {
  child: ChildProcess;
  /** Its stdout and stderr so far (the JSON log lines). */
  output(): string;
}

export function startCollectorChild(configFile: string): CollectorChild {
  const child = spawn(process.execPath, ['bin/starwatch.js', 'collector', '--config', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout!.on('data', (d) => (text += d));
  child.stderr!.on('data', (d) => (text += d));
  return { child, output: () => text };
}

export const exited = (child: ChildProcess): Promise<unknown> =>
  new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.once('exit', r)));

/** Whether it is still up (or how it ended), then its last lines of output. */
export function lastWords(c: CollectorChild, name: string, lines = 20): string {
  const { exitCode, signalCode } = c.child;
  const status = exitCode === null && signalCode === null ? 'still running' : `exited (${exitCode ?? signalCode})`;
  return `${name} collector ${status}; its last output:\n${c.output().trimEnd().split('\n').slice(-lines).join('\n')}`;
}

export interface RestartRig {
  nc: NatsConnection;
  first: CollectorChild;
  /** The collector started again on the same config (the last one started, if any). */
  second: CollectorChild | undefined;
  startAgain(): CollectorChild;
  /**
   * For `.catch()` on a wait that timed out: the same error with each collector's last words, so
   * a collector that died or hung at start says so instead of the wait naming only what it missed.
   */
  explain(e: Error): never;
  /** kill -9 the first, SIGTERM the second (SIGKILL after 30 s), close the connection. */
  close(): Promise<void>;
}

/** Writes the config (log level info: the tests read `recovering`), makes the streams, starts the first collector. */
export async function startRestartRig(config: CollectorConfig, dir: string): Promise<RestartRig> {
  config.logLevel = 'info';
  const configFile = join(dir, 'collector.json');
  writeFileSync(configFile, JSON.stringify(config));
  const nc = await connect({ servers: config.nats.url, maxReconnectAttempts: -1, reconnectTimeWait: 200 });
  try {
    await ensureStreams(await nc.jetstreamManager(), streamSettingsOf(config));
  } catch (e) {
    await nc.close();
    throw e;
  }
  const rig: RestartRig = {
    nc,
    first: startCollectorChild(configFile),
    second: undefined,
    startAgain: () => (rig.second = startCollectorChild(configFile)),
    explain: (e) => {
      const words = [lastWords(rig.first, 'first'), ...(rig.second ? [lastWords(rig.second, 'second')] : [])];
      throw new Error([e.message, ...words].join('\n'));
    },
    close: async () => {
      rig.first.child.kill('SIGKILL');
      const second = rig.second?.child;
      if (second) {
        second.kill('SIGTERM');
        // A collector that ignores SIGTERM must not hang the caller: SIGKILL after 30 s.
        const hard = setTimeout(() => second.kill('SIGKILL'), 30_000);
        await exited(second);
        clearTimeout(hard);
      }
      await nc.close();
    },
  };
  return rig;
}
