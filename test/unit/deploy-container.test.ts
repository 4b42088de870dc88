// The Containerfile cannot be built here (no container engine), so it is checked by construction:
// base image, a dev-free install that needs only the npm registry, every source file the CLI
// imports copied in, and the ports the agent and collector really listen on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DEFAULTS } from '../../collector/config.ts';
import { DEFAULT_MODEL_PATH } from '../../v4/path.ts';
import { COMMANDS, IMAGE, ROOT, importClosure, read } from './deploy-support.ts';

const file = read('deploy/container/Containerfile');
const lines = file.split('\n').filter((l) => l.trim() && !l.trim().startsWith('#'));
const copies = lines
  .filter((l) => /^COPY\s/.test(l) && !l.includes('--from='))
  .map((l) => l.replace(/^COPY\s+/, '').split(/\s+/).slice(0, -1))
  .flat();

test('both stages start from node 20', () => {
  const froms = lines.filter((l) => l.startsWith('FROM '));
  assert.equal(froms.length, 2);
  for (const f of froms) assert.match(f, /^FROM node:20[-\w]*( AS \w+)?$/);
});

test('dependencies install with npm ci --omit=dev, with the .npmrc that skips the onnxruntime download', () => {
  const copyNpmrc = lines.findIndex((l) => /^COPY .*\.npmrc/.test(l));
  const install = lines.findIndex((l) => /RUN npm ci --omit=dev/.test(l));
  assert.ok(copyNpmrc >= 0 && install > copyNpmrc, '.npmrc is copied before npm ci');
  assert.match(read('.npmrc'), /^onnxruntime-node-install=skip$/m);
  assert.ok(JSON.parse(read('package.json')).dependencies.tsx, 'tsx runs the TypeScript, so it must be a runtime dependency');
});

test('everything COPY names exists in the repository', () => {
  for (const source of copies) assert.ok(existsSync(join(ROOT, source)), `COPY ${source}: no such path`);
});

test('every source file the CLI imports is copied into the image', () => {
  const covered = (f: string) => copies.some((c) => f === c || f.startsWith(`${c.replace(/\/$/, '')}/`));
  const missing = importClosure('bin/starwatch.js').concat(importClosure('cli/main.ts')).filter((f) => !covered(f));
  assert.deepEqual(missing, []);
});

test('the model the agent serves by default is in the image', () => {
  const model = relative(ROOT, DEFAULT_MODEL_PATH);
  assert.ok(copies.includes(model), `${model} is not copied`);
});

test('the entrypoint is the starwatch CLI and the exposed ports are the real defaults', () => {
  assert.ok(lines.includes('ENTRYPOINT ["node", "bin/starwatch.js"]'));
  const exposed = lines.find((l) => l.startsWith('EXPOSE '))!.split(/\s+/).slice(1).map(Number).sort();
  assert.deepEqual(exposed, [COMMANDS.get('agent')!.defaults.get('--port'), DEFAULTS.http.port, DEFAULTS.api.port].sort());
  assert.ok(lines.includes('USER node'), 'runs as the unprivileged node user');
});

test('the documented build tag is the image the manifests use', () => {
  assert.ok(file.includes(`-t ${IMAGE} .`));
});
