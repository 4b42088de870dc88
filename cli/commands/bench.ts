// starwatch bench <name>: one subcommand per benchmark in bench/registry.ts.
import type { Command } from 'commander';
import { BENCHES } from '../../bench/registry.ts';

export function registerBench(program: Command): void {
  const bench = program.command('bench').description('Run a benchmark and print its figures');
  for (const b of BENCHES) {
    const command = bench.command(b.name).description(b.description).option('--json', 'print the figures as JSON');
    b.addOptions(command).action(async (options: Record<string, unknown>) => {
      const report = await b.run(options);
      process.stdout.write(options.json ? JSON.stringify(report.data, null, 2) + '\n' : report.text + '\n');
    });
  }
}
