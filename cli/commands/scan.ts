import type { Command } from 'commander';

export function registerScan(program: Command): void {
  program
    .command('scan')
    .description('Scan image files or folders with the V4 detector')
    .argument('<paths...>', 'files or folders')
    .option('--json', 'print JSON lines instead of a table')
    .action(() => {
      throw new Error('scan: not wired yet');
    });
}
