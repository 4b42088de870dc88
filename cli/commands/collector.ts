// starwatch collector: runs the collector until SIGINT/SIGTERM. Every setting is a flag, an
// environment variable (STARWATCH_*) or a key of the JSON file given with --config.
import type { Command } from 'commander';
import { ConfigError, SETTINGS, envName, flagName, loadConfig } from '../../collector/config.ts';
import { createLogger } from '../../collector/log.ts';
import { startCollector } from '../../collector/start.ts';

export function registerCollector(program: Command): void {
  const command = program
    .command('collector')
    .description('Consume events from NATS JetStream, window them and write them to InfluxDB')
    .option('--config <file>', 'JSON config file (env STARWATCH_CONFIG)');
  for (const s of SETTINGS) {
    const flag = s.kind === 'boolean' ? `${flagName(s.path)} <true|false>` : `${flagName(s.path)} <value>`;
    command.option(flag, `${s.description} (env ${envName(s.path)})`);
  }
  command.action(async (flags: Record<string, unknown>) => {
    const log = createLogger('info');
    try {
      const config = loadConfig({ flags, env: process.env, file: (flags.config as string) ?? process.env.STARWATCH_CONFIG });
      const handle = await startCollector(config, createLogger(config.logLevel, undefined, { replica: config.replica }));
      const stop = (signal: string) => {
        log.info('signal', { signal });
        handle.stop().then(() => process.exit(0));
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
    } catch (e) {
      const code = e instanceof ConfigError ? e.code : 'start_failed';
      log.error('collector_failed', { code, error: (e as Error).message });
      process.exitCode = 2;
    }
  });
}
