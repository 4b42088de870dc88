// starwatch services: nats-server (JetStream) and influxd (1.x) from PATH, in a folder of their own
// on the ports the other commands default to, until Ctrl-C: the local services that the attach
// guide, the collector and the agent expect, without writing their configs by hand.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { startInflux } from '../../deploy/local/influxd.ts';
import { startNats } from '../../deploy/local/nats.ts';
import { positiveInt } from './scan.ts';

interface ServicesFlags {
  dir: string;
  natsPort: number;
  influxPort: number;
}

export function registerServices(program: Command): void {
  program
    .command('services')
    .description('Run nats-server (JetStream) and influxd locally on their usual ports until Ctrl-C (data kept in --dir)')
    .option('--dir <dir>', 'where their data lives (kept across runs)', '.tmp/services')
    .option('--nats-port <n>', 'NATS client port', positiveInt, 4222)
    .option('--influx-port <n>', 'InfluxDB HTTP port', positiveInt, 8086)
    .action(async (flags: ServicesFlags) => {
      const dir = resolve(flags.dir);
      mkdirSync(dir, { recursive: true });
      const nats = await startNats(`${dir}/nats`, flags.natsPort);
      const influx = await startInflux(`${dir}/influx`, flags.influxPort).catch(async (e) => {
        await nats.stop();
        throw e;
      });
      process.stdout.write(`nats ${nats.url}\ninflux ${influx.url}\ndata in ${dir}; Ctrl-C stops both\n`);
      await new Promise<void>((done) => {
        process.once('SIGINT', done);
        process.once('SIGTERM', done);
      });
      await Promise.all([nats.stop(), influx.stop()]);
    });
}
