// Every parity case (Pillow 9.4 + NumPy 1.24 reference vectors) must match exactly.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { checkCase } from '../../agent/v4/parity/check-folder.ts';
import type { ParityVectors } from '../../agent/v4/parity/vectors.ts';

const DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'parity');
const vectors = JSON.parse(readFileSync(join(DIR, 'vectors.json'), 'utf8')) as ParityVectors;

test('the parity fixture has cases', () => {
  assert.ok(vectors.cases.length >= 46, `only ${vectors.cases.length} cases`);
});

for (const c of vectors.cases) {
  test(`parity ${c.file}`, async () => {
    const r = await checkCase(DIR, c);
    const why = r.errorCode ? `${r.errorCode}: ${r.errorMessage}` : r.mismatches.map((m) => `${m.stream}: ${m.detail}`).join('; ');
    assert.ok(r.ok, why);
  });
}
