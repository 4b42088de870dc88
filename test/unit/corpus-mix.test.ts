// The mix: exact, balanced counts; clean images mirror stego containers; seeded order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allocate, buildMix, DEFAULT_MIX, DEFAULT_STEGO_MIX, type Recipe } from '../../corpus/mix.ts';
import { itemSeed, Rng } from '../../corpus/random.ts';
import { makeMessage } from '../../corpus/messages.ts';

const tally = (recipes: Recipe[], key: (r: Recipe) => string) =>
  recipes.reduce<Record<string, number>>((acc, r) => ((acc[key(r)] = (acc[key(r)] ?? 0) + 1), acc), {});

test('default mix: half clean, each method a tenth, clean containers mirror stego containers', () => {
  const share = (pick: (r: Recipe) => boolean) => DEFAULT_MIX.filter((e) => pick(e.recipe)).reduce((n, e) => n + e.weight, 0);
  assert.ok(Math.abs(share((r) => r.category === 'clean') - 0.5) < 1e-9);
  for (const method of ['alpha', 'palette', 'lsb.rgb', 'exif', 'raw']) {
    assert.ok(Math.abs(share((r) => r.category === 'stego' && r.method === method) - 0.1) < 1e-9, method);
  }
  for (const container of new Set(DEFAULT_MIX.map((e) => e.recipe.container))) {
    const clean = share((r) => r.category === 'clean' && r.container === container);
    const stego = share((r) => r.category === 'stego' && r.container === container);
    assert.ok(Math.abs(clean - stego) < 1e-9, `${container}: clean ${clean} vs stego ${stego}`);
  }
  assert.throws(() => buildMix(DEFAULT_STEGO_MIX, 1.5));
});

test('allocate gives exactly count recipes, every method even at small counts, same order per seed', () => {
  for (const count of [1, 7, 10, 20, 1000]) assert.equal(allocate(count, DEFAULT_MIX, new Rng(1)).length, count);
  const byGroup = tally(allocate(20, DEFAULT_MIX, new Rng(4)), (r) => (r.category === 'clean' ? 'clean' : r.method));
  assert.deepEqual(byGroup, { clean: 10, alpha: 2, palette: 2, 'lsb.rgb': 2, exif: 2, raw: 2 });
  const orders = tally(allocate(1000, DEFAULT_MIX, new Rng(4)), (r) => (r.category === 'stego' ? r.bitOrder : 'clean'));
  assert.equal(orders['lsb-first'] - 100, orders['msb-first'], 'alpha is LSB-first only; the rest split evenly');
  assert.deepEqual(allocate(50, DEFAULT_MIX, new Rng(9)), allocate(50, DEFAULT_MIX, new Rng(9)));
  assert.notDeepEqual(allocate(50, DEFAULT_MIX, new Rng(9)), allocate(50, DEFAULT_MIX, new Rng(10)));
});

test('PRNG: reproducible, item seeds differ, ranges respected', () => {
  const a = new Rng(42);
  const b = new Rng(42);
  for (let i = 0; i < 100; i++) assert.equal(a.nextU32(), b.nextU32());
  assert.notEqual(itemSeed(1, 0), itemSeed(1, 1));
  assert.notEqual(itemSeed(1, 0), itemSeed(2, 0));
  const rng = new Rng(3);
  for (let i = 0; i < 1000; i++) {
    const v = rng.logInt(16, 5000);
    assert.ok(v >= 16 && v <= 5000);
  }
});

test('messages: exact length, rules hold (no 0x00, no forbidden sequences), kinds vary', () => {
  const rng = new Rng(8);
  const kinds = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const length = rng.logInt(16, 3000);
    const { bytes, kind } = makeMessage(rng, length, { noZero: true, avoid: [Uint8Array.of(0xff, 0xd9), Uint8Array.of(0x3b)] });
    kinds.add(kind);
    assert.equal(bytes.length, length);
    assert.ok(!bytes.includes(0) && !bytes.includes(0x3b));
    assert.equal(Buffer.from(bytes).indexOf(Buffer.from([0xff, 0xd9])), -1);
  }
  assert.deepEqual([...kinds].sort(), ['base64', 'bytes', 'hex', 'json', 'prose']);
});
