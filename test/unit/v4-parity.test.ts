// Every parity case (Pillow 9.4 + NumPy 1.24 reference vectors) must match exactly.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { checkCase } from '../../v4/parity/check-folder.ts';
import type { ParityVectors } from '../../v4/parity/vectors.ts';

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

test('the checker reports which stream differs, and by how much', async () => {
  const c = structuredClone(vectors.cases.find((v) => v.file.endsWith('rgb_png_256.png'))!);
  c.expected!.pixel_tensor!.sha256_u8 = '0'.repeat(64);
  c.expected!.pixel_tensor!.sum_u8 += 5;
  c.expected!.content_features!.values[1] += 1e-3;
  c.mode = 'L';
  const r = await checkCase(DIR, c);
  assert.equal(r.ok, false);
  assert.deepEqual(r.mismatches.map((m) => m.stream).sort(), ['content_features', 'info', 'pixel_tensor']);
  assert.match(r.mismatches.find((m) => m.stream === 'pixel_tensor')!.detail, /diff -5/);
});

test('an expected_error case passes only on a typed rejection', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'v4-parity-'));
  try {
    await writeFile(join(dir, 'empty.png'), new Uint8Array(0));
    assert.equal((await checkCase(dir, { file: 'empty.png', expected_error: 'EMPTY_INPUT' })).ok, true);
    const accepted = await checkCase(DIR, { file: vectors.cases[0].file, expected_error: 'anything' });
    assert.equal(accepted.ok, false);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
