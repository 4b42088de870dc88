// `npm run mutation`: Stryker over each pure-logic folder in turn (or those named on the command
// line), then one line per folder with its score, and the total. Slow: not part of `npm test`.
// STRYKER_FAST=1 npm run mutation: folders with a `fast` test list use it (a lower bound, faster).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { FOLDERS } from './folders.mjs';

const names = process.argv.slice(2).length > 0 ? process.argv.slice(2) : Object.keys(FOLDERS);
const unknown = names.filter((n) => !FOLDERS[n]);
if (unknown.length > 0) {
  console.error(`unknown folder(s) ${unknown.join(', ')}; one of ${Object.keys(FOLDERS).join(', ')}`);
  process.exit(2);
}

/** Killed (or timed out) among the mutants that tests could see; compile errors do not count. */
function score(name) {
  // STRYKER_FAST=1 (stryker.config.mjs): a folder with fast tests reports as <folder>-fast.
  const file = process.env.STRYKER_FAST === '1' && FOLDERS[name].fast ? `${name}-fast` : name;
  const report = JSON.parse(readFileSync(`reports/mutation/${file}.json`, 'utf8'));
  const count = { detected: 0, undetected: 0 };
  const survivors = [];
  for (const [file, { mutants }] of Object.entries(report.files)) {
    for (const m of mutants) {
      if (m.status === 'Killed' || m.status === 'Timeout') count.detected++;
      else if (m.status === 'Survived' || m.status === 'NoCoverage') {
        count.undetected++;
        survivors.push(`${file}:${m.location.start.line} ${m.mutatorName} ${m.status}${m.replacement ? ` -> ${m.replacement.slice(0, 60)}` : ''}`);
      }
    }
  }
  return { ...count, survivors };
}

let detected = 0;
let total = 0;
for (const name of names) {
  const run = spawnSync('npx', ['stryker', 'run'], { stdio: 'inherit', env: { ...process.env, STRYKER_FOLDER: name } });
  if (run.status !== 0) {
    console.error(`stryker failed on ${name} (exit ${run.status})`);
    process.exit(1);
  }
  const s = score(name);
  detected += s.detected;
  total += s.detected + s.undetected;
  console.log(`mutation ${name}: ${((100 * s.detected) / Math.max(1, s.detected + s.undetected)).toFixed(1)}% (${s.detected}/${s.detected + s.undetected})`);
  for (const line of s.survivors) console.log(`  survived ${line}`);
}
console.log(`mutation total: ${((100 * detected) / Math.max(1, total)).toFixed(1)}% (${detected}/${total})`);
