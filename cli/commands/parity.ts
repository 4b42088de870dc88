// starwatch parity DIR: check a parity folder (vectors.json + images/) against the V4 input
// path, one line per case; exit 1 on any mismatch.
import type { Command } from 'commander';
import { checkParityFolder, type CaseResult } from '../../v4/parity/check-folder.ts';

export function registerParity(program: Command): void {
  program
    .command('parity')
    .description('Check the V4 preprocessing against parity vectors (vectors.json + images/)')
    .argument('<dir>', 'parity folder')
    .option('--json', 'print one JSON line per case')
    .action(async (dir: string, options: { json?: boolean }) => {
      process.exitCode = await parityCommand(dir, options.json ?? false);
    });
}

export async function parityCommand(dir: string, json: boolean): Promise<number> {
  let results: CaseResult[];
  try {
    results = await checkParityFolder(dir);
  } catch (e) {
    console.error(`parity: ${(e as Error).message}`);
    return 2;
  }
  for (const r of results) console.log(json ? JSON.stringify(r) : describe(r));
  const failed = results.filter((r) => !r.ok).length;
  if (!json) console.log(`${results.length - failed} passed, ${failed} failed`);
  return failed ? 1 : 0;
}

function describe(r: CaseResult): string {
  const status = r.ok ? 'ok  ' : 'FAIL';
  const error = r.errorCode ? ` [${r.errorCode}] ${r.errorMessage}` : '';
  const diffs = r.mismatches.map((m) => `${m.stream}: ${m.detail}`).join('; ');
  return `${status} ${r.file}${error}${diffs ? ' ' + diffs : ''}`;
}
