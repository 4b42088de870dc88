// Mutation testing of the pure-logic folders (README "Testing"). `npm run mutation` runs every
// folder in test/mutation/folders.mjs; one folder: `STRYKER_FOLDER=forecast npx stryker run`;
// STRYKER_FAST=1: the folder's fast tests only, where it names some (test/mutation/folders.mjs).
// Incremental: a rerun only tests mutants whose code or tests changed since the last one.
import { FOLDERS } from './test/mutation/folders.mjs';

const name = process.env.STRYKER_FOLDER ?? 'rootcause';
const folder = FOLDERS[name];
if (!folder) throw new Error(`STRYKER_FOLDER=${name}: not one of ${Object.keys(FOLDERS).join(', ')}`);
// STRYKER_FAST=1: only the folder's fast tests (where it names some), reported as <folder>-fast.
const fast = process.env.STRYKER_FAST === '1' && folder.fast !== undefined;
// STRYKER_TAG=<tag>: a report (and incremental file) of its own, so a run over some files (--mutate)
// does not overwrite the folder's report.
const tag = process.env.STRYKER_TAG ? `-${process.env.STRYKER_TAG}` : '';
const report = `${fast ? `${name}-fast` : name}${tag}`;

export default {
  testRunner: 'tap',
  tap: {
    testFiles: fast ? folder.fast : folder.tests,
    // The hook records which mutants a file reached; tsx runs the TypeScript; TAP is what the runner reads.
    nodeArgs: ['-r', '{{hookFile}}', '--import', 'tsx', '--test-reporter=tap', '{{testFile}}'],
    forceBail: true,
  },
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.mutation.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  coverageAnalysis: 'perTest',
  mutate: folder.mutate,
  ignorePatterns: ['reports', '.tmp', 'demo-data', 'out'],
  incremental: true,
  incrementalFile: `reports/mutation/${report}.incremental.json`,
  concurrency: 3,
  timeoutMS: 30_000,
  reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${report}.html` },
  jsonReporter: { fileName: `reports/mutation/${report}.json` },
  thresholds: { high: 90, low: 85, break: null },
  tempDirName: `.tmp/stryker-${report}`,
  cleanTempDir: 'always',
};
