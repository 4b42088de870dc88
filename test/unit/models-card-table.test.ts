// The model card's intervals (models/card-table.ts): Wilson 95% bounds against values worked by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cell, wilson } from '../../models/card-table.ts';

test('0 of n: the upper bound is z^2/n / (1 + z^2/n)', () => {
  const [lo, hi] = wilson({ hits: 0, n: 40 });
  assert.equal(lo, 0);
  assert.ok(Math.abs(hi - 3.8416 / 40 / (1 + 3.8416 / 40)) < 1e-9);
});

test('a middle proportion: 56 of 400 lies in 10.9%..17.7%', () => {
  const [lo, hi] = wilson({ hits: 56, n: 400 });
  assert.ok(Math.abs(lo - 0.1094) < 5e-4, `low ${lo}`);
  assert.ok(Math.abs(hi - 0.1775) < 5e-4, `high ${hi}`);
});

test('all of n: the interval reaches 100% and the cell prints counts and bounds', () => {
  assert.equal(wilson({ hits: 80, n: 80 })[1], 1);
  assert.equal(cell({ hits: 80, n: 80 }), '100.0% (80/80; 95.4%-100.0%)');
});
