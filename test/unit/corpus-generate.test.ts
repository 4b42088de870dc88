// `generateCorpus` end to end on small counts: labels on disk match the files, every stego file
// gives its payload back, same seed means same bytes, photo covers and bad options behave.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { generateCorpus, type GenerateOptions } from '../../corpus/generate.ts';
import { readLabel, labelKey } from '../../schemas/corpus-label.ts';
import { findExif, paletteIndices, readBmp24, readPayload, readTail } from '../../corpus/readback.ts';
import { CorpusError } from '../../corpus/errors.ts';
import { proceduralCover } from '../../corpus/covers/procedural.ts';
import { Rng } from '../../corpus/random.ts';
import { parseSize, parseWholeNumber } from '../../cli/commands/generate.ts';

const SMALL = { min: 96, max: 96 };
const tempDir = () => mkdtemp(join(tmpdir(), 'corpus-test-'));

async function imagesIn(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => !name.endsWith('.json')).sort();
}

function magicFormat(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return 'JPEG';
  if (bytes.toString('latin1', 1, 4) === 'PNG') return 'PNG';
  if (bytes.toString('latin1', 0, 4) === 'GIF8') return 'GIF';
  if (bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP') return 'WEBP';
  if (bytes.toString('latin1', 0, 2) === 'BM') return 'BMP';
  return 'unknown';
}

test('every file has a valid label that matches it, and stego files give their payload back', async () => {
  const out = await tempDir();
  try {
    const summary = await generateCorpus({ out, count: 30, seed: 11, size: SMALL });
    const images = await imagesIn(out);
    assert.equal(images.length, 30);
    const counted: Record<string, number> = {};
    for (const name of images) {
      const path = join(out, name);
      const bytes = await readFile(path);
      const label = await readLabel(path);
      counted[labelKey(label)] = (counted[labelKey(label)] ?? 0) + 1;
      assert.equal(magicFormat(bytes), label.format, name);
      if (label.format === 'BMP') {
        assert.equal(readBmp24(bytes).width, label.width);
      } else {
        const meta = await sharp(bytes, { pages: 1 }).metadata();
        assert.deepEqual([meta.width, meta.height], [label.width, label.height], name);
        assert.equal(meta.channels === 4, label.mode === 'RGBA', `${name}: alpha iff mode RGBA`);
        if (label.mode === 'P') assert.ok((await paletteIndices(bytes, label.format)).length === label.width * label.height);
      }
      if (label.category === 'stego') {
        const payload = await readPayload(bytes, label);
        assert.equal(payload.length, label.payload_bytes, `${name}: ${label.method} payload length`);
        if (label.method === 'raw') assert.ok(bytes.length >= 1000, `${name}: big enough for the contract to read its tail`);
        if (label.method === 'raw' && label.format === 'WEBP') assert.ok(payload.length > 100, `${name}: WebP tail counts only past 100 bytes`);
      } else if (label.format !== 'BMP') {
        assert.equal(readTail(bytes, label.format).length, 0, `${name}: clean files have no tail`);
        if (label.format !== 'GIF') {
          const asExif = { ...label, category: 'stego', method: 'exif', bit_order: 'none', payload_bytes: 1, message_kind: '' } as const;
          await assert.rejects(readPayload(bytes, asExif), CorpusError, `${name}: clean files have no UserComment`);
        }
      }
    }
    assert.deepEqual(counted, summary.by_label);
    assert.equal(summary.by_label.clean, 15);
    for (const method of ['alpha', 'palette', 'lsb.rgb', 'exif', 'raw']) assert.equal(summary.by_label[`stego:${method}`], 3);
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});

test('clean alpha and palette images do not carry a readable payload by accident', async () => {
  const out = await tempDir();
  try {
    await generateCorpus({ out, count: 30, seed: 5, size: SMALL });
    for (const name of await imagesIn(out)) {
      const label = await readLabel(join(out, name));
      if (label.category !== 'clean' || label.mode !== 'RGBA') continue;
      const bytes = await readFile(join(out, name));
      await assert.rejects(
        readPayload(bytes, { ...label, category: 'stego', method: 'alpha', bit_order: 'lsb-first', payload_bytes: 1, message_kind: '' }),
        CorpusError,
      );
    }
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});

test('same seed gives byte-identical files; another seed gives different ones', async () => {
  const [a, b, c] = await Promise.all([tempDir(), tempDir(), tempDir()]);
  try {
    const options = (out: string, seed: number): GenerateOptions => ({ out, count: 14, seed, size: SMALL });
    await generateCorpus(options(a, 21));
    await generateCorpus({ ...options(b, 21), concurrency: 3 });
    await generateCorpus(options(c, 22));
    const names = (await readdir(a)).sort();
    assert.deepEqual((await readdir(b)).sort(), names);
    let differing = 0;
    for (const name of names) {
      const bytesA = await readFile(join(a, name));
      assert.ok(bytesA.equals(await readFile(join(b, name))), `${name} differs between runs of one seed`);
      const other = await readFile(join(c, name)).catch(() => null);
      if (!other || !other.equals(bytesA)) differing++;
    }
    assert.equal(differing, names.length, 'a different seed changes every file');
  } finally {
    await Promise.all([a, b, c].map((d) => rm(d, { recursive: true, force: true })));
  }
});

test('photo covers: uses the folder, skips unreadable files, rejects an empty folder', async () => {
  const covers = await tempDir();
  const out = await tempDir();
  try {
    for (let i = 0; i < 3; i++) {
      const photo = proceduralCover(new Rng(100 + i), 300 + i * 50, 200);
      const image = sharp(photo.data, { raw: { width: photo.width, height: photo.height, channels: 3 } });
      await (i === 0 ? image.jpeg() : image.png()).toFile(join(covers, `photo-${i}.${i === 0 ? 'jpg' : 'png'}`));
    }
    await writeFile(join(covers, 'broken.jpg'), 'not an image at all');
    await writeFile(join(covers, 'notes.txt'), 'ignored');
    const summary = await generateCorpus({ out, count: 12, seed: 3, coversDir: covers, size: { min: 80, max: 120 } });
    const names = new Set<string>();
    for (const name of await imagesIn(out)) {
      const label = await readLabel(join(out, name));
      names.add(label.cover);
      assert.ok(label.width >= 80 && label.width <= 120 && label.height >= 80 && label.height <= 120);
    }
    assert.ok([...names].every((n) => /^photo-\d\.(jpg|png)$/.test(n)), [...names].join());
    assert.ok(summary.covers_skipped <= 1);

    const empty = await tempDir();
    await assert.rejects(generateCorpus({ out, count: 1, seed: 1, coversDir: empty }), { code: 'CORPUS_NO_COVERS' });
    await writeFile(join(empty, 'broken.png'), 'not a png');
    await assert.rejects(generateCorpus({ out, count: 1, seed: 1, coversDir: empty }), { code: 'CORPUS_NO_COVERS' });
    await rm(empty, { recursive: true });
  } finally {
    await Promise.all([covers, out].map((d) => rm(d, { recursive: true, force: true })));
  }
});

test('bad options are rejected with CORPUS_BAD_OPTION before anything is written', async () => {
  for (const bad of [{ count: 0 }, { count: 1.5 }, { seed: -1 }, { size: { min: 16, max: 16 } }, { size: { min: 300, max: 200 } }]) {
    await assert.rejects(generateCorpus({ out: '/nonexistent/never-created', count: 1, seed: 1, ...bad }), { code: 'CORPUS_BAD_OPTION' });
  }
});

test('CLI option parsing: --size N or MIN-MAX, whole numbers only', () => {
  assert.deepEqual(parseSize('256'), { min: 256, max: 256 });
  assert.deepEqual(parseSize('192-384'), { min: 192, max: 384 });
  assert.throws(() => parseSize('big'), { code: 'CORPUS_BAD_OPTION' });
  assert.equal(parseWholeNumber('count', '1000'), 1000);
  assert.throws(() => parseWholeNumber('count', 'many'), { code: 'CORPUS_BAD_OPTION' });
  assert.throws(() => parseWholeNumber('seed', '-3'), { code: 'CORPUS_BAD_OPTION' });
});

test('the CLI prints a JSON summary and writes the files', async () => {
  const out = await tempDir();
  try {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'cli/main.ts', 'generate', '--out', out, '--count', '6', '--seed', '9', '--size', '80', '--json'],
      { cwd: join(import.meta.dirname, '../..') },
    );
    const summary = JSON.parse(stdout);
    assert.equal(summary.count, 6);
    assert.equal(Object.values(summary.by_label as Record<string, number>).reduce((n, v) => n + v, 0), 6);
    assert.equal((await readdir(out)).length, 12);
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});
