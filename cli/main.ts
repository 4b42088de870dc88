// starwatch: one commander program; each command lives in cli/commands/<name>.ts and
// registers itself, so adding a command is adding a file and a line here.
import { Command } from 'commander';
import { registerScan } from './commands/scan.ts';

const program = new Command('starwatch')
  .description('Observability for the Starlight V4 steganography detector')
  .version('0.1.0')
  .showHelpAfterError();

for (const register of [registerScan]) register(program);

await program.parseAsync(process.argv);
