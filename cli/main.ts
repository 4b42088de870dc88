// starwatch: one commander program; each command lives in cli/commands/<name>.ts and
// registers itself, so adding a command is adding a file and a line here.
import { Command } from 'commander';
import { registerScan } from './commands/scan.ts';
import { registerAgent } from './commands/agent.ts';
import { registerBench } from './commands/bench.ts';
import { registerGenerate } from './commands/generate.ts';
import { registerParity } from './commands/parity.ts';
import { registerDetect } from './commands/detect.ts';
import { registerForecast } from './commands/forecast.ts';
import { registerTail } from './commands/tail.ts';
import { registerCollector } from './commands/collector.ts';
import { registerDemo } from './commands/demo.ts';
import { registerValidate } from './commands/validate.ts';
import { registerCompare } from './commands/compare.ts';
import { registerDoctor } from './commands/doctor.ts';
import { registerTraining } from './commands/training.ts';
import { registerServices } from './commands/services.ts';
import { registerSilence } from './commands/silence.ts';
import { registerRollout } from './commands/rollout.ts';

const program = new Command('starwatch')
  .description('Observability for the Starlight V4 steganography detector')
  .version('0.1.0')
  .showHelpAfterError();

for (const register of [registerScan, registerAgent, registerBench, registerGenerate, registerParity, registerDetect, registerForecast, registerTail, registerCollector, registerDemo, registerValidate, registerCompare, registerSilence, registerDoctor, registerTraining, registerServices, registerRollout]) register(program);

await program.parseAsync(process.argv);
