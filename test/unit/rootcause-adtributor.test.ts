import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rankRootCauses, RootCauseInputError } from '../../collector/rootcause/adtributor.ts';
import type { DimensionBreakdown } from '../../collector/rootcause/types.ts';
import { seededRandom } from './detect-synthetic.ts';

const DIMENSIONS: Record<string, string[]> = {
  model_version: ['4.0.0', '4.0.1'],
  agent: ['agent-a', 'agent-b', 'agent-c', 'agent-d'],
  format: ['png', 'jpeg', 'webp', 'gif'],
  method: ['alpha', 'palette', 'lsb.rgb', 'exif', 'raw'],
  size_bucket: ['<=256', '<=512', '<=1024', '>2048'],
};

type Event = Record<string, string>;
type Pick = (e: Event) => number;

/** Clean labelled events, each a false positive with probability fp(e); counted per dimension value. */
function breakdowns(seed: number, n: number, fpBaseline: Pick, fpCurrent: Pick, mixCurrent?: (e: Event, r: () => number) => void): DimensionBreakdown[] {
  const random = seededRandom(seed);
  const cells: Record<string, Record<string, { baseline: { numerator: number; denominator: number }; current: { numerator: number; denominator: number } }>> = {};
  for (const [dim, values] of Object.entries(DIMENSIONS)) {
    cells[dim] = Object.fromEntries(values.map((v) => [v, { baseline: { numerator: 0, denominator: 0 }, current: { numerator: 0, denominator: 0 } }]));
  }
  for (const side of ['baseline', 'current'] as const) {
    for (let i = 0; i < n; i++) {
      const e: Event = {};
      for (const [dim, values] of Object.entries(DIMENSIONS)) e[dim] = values[Math.floor(random() * values.length)];
      if (side === 'current' && mixCurrent) mixCurrent(e, random);
      const fp = random() < (side === 'baseline' ? fpBaseline(e) : fpCurrent(e)) ? 1 : 0;
      for (const dim of Object.keys(DIMENSIONS)) {
        cells[dim][e[dim]][side].numerator += fp;
        cells[dim][e[dim]][side].denominator += 1;
      }
    }
  }
  return Object.entries(cells).map(([dimension, byValue]) => ({
    dimension,
    slices: Object.entries(byValue).map(([value, c]) => ({ value, ...c })),
  }));
}

test('rootcause: FPR jumps only on webp -> format ranks first, webp is the culprit (3 seeds)', () => {
  for (let seed = 1; seed <= 3; seed++) {
    const result = rankRootCauses(breakdowns(seed, 100_000, () => 0.0005, (e) => (e.format === 'webp' ? 0.01 : 0.0005)));
    assert.ok(result.currentRate > 4 * result.baselineRate, 'the injected change is visible overall');
    const top = result.dimensions[0];
    assert.equal(top.dimension, 'format', `seed ${seed}: top dimension ${top.dimension}`);
    assert.equal(top.culprits[0].value, 'webp');
    assert.ok(top.culprits[0].explanatoryPower > 0.8, `webp explains ${top.culprits[0].explanatoryPower}`);
    assert.equal(top.values[0].value, 'webp');
  }
});

test('rootcause: a rollout of model 4.0.1 (90% of traffic, higher FPR) ranks model_version first', () => {
  const result = rankRootCauses(
    breakdowns(
      9,
      100_000,
      () => 0.0005,
      (e) => (e.model_version === '4.0.1' ? 0.003 : 0.0005),
      (e, r) => (e.model_version = r() < 0.9 ? '4.0.1' : '4.0.0'),
    ),
  );
  assert.equal(result.dimensions[0].dimension, 'model_version');
  assert.equal(result.dimensions[0].culprits[0].value, '4.0.1');
});

test('rootcause: count metric (requests): a drop from one agent ranks agent first', () => {
  const slices = (drop: string) =>
    DIMENSIONS.agent.map((value) => ({
      value,
      baseline: { numerator: 1000, denominator: 1 },
      current: { numerator: value === drop ? 100 : 1005, denominator: 1 },
    }));
  // Same totals as the agents (4000 -> 3115), spread evenly over the formats.
  const formats = DIMENSIONS.format.map((value, i) => ({ value, baseline: { numerator: 1000, denominator: 1 }, current: { numerator: i === 0 ? 778 : 779, denominator: 1 } }));
  const result = rankRootCauses(
    [
      { dimension: 'format', slices: formats },
      { dimension: 'agent', slices: slices('agent-c') },
    ],
    { kind: 'count' },
  );
  assert.equal(result.dimensions[0].dimension, 'agent');
  assert.equal(result.dimensions[0].culprits[0].value, 'agent-c');
  assert.equal(result.dimensions[1].succinct, false, 'an even drop over all formats is not a succinct cause');
});

test('rootcause: bad input is a typed error', () => {
  assert.throws(() => rankRootCauses([]), RootCauseInputError);
  assert.throws(
    () => rankRootCauses([{ dimension: 'x', slices: [{ value: 'a', baseline: { numerator: -1, denominator: 1 }, current: { numerator: 0, denominator: 1 } }] }]),
    (e: unknown) => e instanceof RootCauseInputError && e.code === 'bad_rootcause_input',
  );
});

/** Count slices from [value, baseline, current] triples. */
function counts(rows: [string, number, number][]): DimensionBreakdown['slices'] {
  return rows.map(([value, before, now]) => ({ value, baseline: { numerator: before, denominator: 1 }, current: { numerator: now, denominator: 1 } }));
}

// Requests 3100 -> 3350 split two ways. By format, 'a' triples its small share (very surprising)
// and 'b' grows a little inside a large share (hardly surprising); by agent, 'x' carries the whole
// rise but its share barely moves. Both dimensions are succinct, so only surprise orders them.
const FORMAT = counts([['a', 100, 300], ['b', 1000, 1050], ['c', 1000, 1000], ['d', 1000, 1000]]);
const AGENT = counts([['x', 1550, 1800], ['y', 1550, 1550]]);

test('rootcause: of two succinct dimensions, the more surprising ranks first, whatever the input order', () => {
  for (const order of [[AGENT, FORMAT], [FORMAT, AGENT]]) {
    const result = rankRootCauses(order.map((slices) => ({ dimension: slices === AGENT ? 'agent' : 'format', slices })), { kind: 'count' });
    const [first, second] = result.dimensions;
    assert.deepEqual([first.succinct, second.succinct], [true, true], 'both succinct, so surprise must decide');
    assert.ok(first.surprise > 10 * second.surprise, `surprise ${first.surprise} vs ${second.surprise}`);
    assert.deepEqual(result.dimensions.map((d) => d.dimension), ['format', 'agent']);
  }
});

test('rootcause: the most surprising value is taken as culprit first, and enough alone', () => {
  // Reversed, so that the least surprising values come first unless they are sorted.
  const [format] = rankRootCauses([{ dimension: 'format', slices: [...FORMAT].reverse() }], { kind: 'count' }).dimensions;
  const byValue = Object.fromEntries(format.values.map((v) => [v.value, v]));
  assert.ok(byValue.a.surprise > byValue.b.surprise, 'a is the surprising one');
  assert.ok(byValue.b.explanatoryPower >= 0.1, 'b explains enough on its own to be picked if it came first');
  assert.deepEqual(format.culprits.map((v) => v.value), ['a'], "a explains 80%: nothing else is needed");
  assert.ok(Math.abs(format.explained - 0.8) < 1e-12, `explained ${format.explained}`);
});

test('rootcause: values are listed by explanatory power, largest first, whatever the input order', () => {
  const [format] = rankRootCauses([{ dimension: 'format', slices: [...FORMAT].reverse() }], { kind: 'count' }).dimensions;
  assert.deepEqual(format.values.slice(0, 2).map((v) => v.value), ['a', 'b']);
  assert.deepEqual(format.values.map((v) => v.explanatoryPower), [0.8, 0.2, 0, 0]);
});

test('rootcause: the explained share and the per-value floor count at their exact limits', () => {
  // a explains exactly 0.8 (200 of 250), b exactly 0.2 (50 of 250).
  const exact = rankRootCauses([{ dimension: 'format', slices: FORMAT }], { kind: 'count', minExplained: 0.8 }).dimensions[0];
  assert.equal(exact.succinct, true, 'explaining exactly the required share is enough');
  assert.deepEqual(exact.culprits.map((v) => v.value), ['a']);
  const both = rankRootCauses([{ dimension: 'format', slices: FORMAT }], { kind: 'count', minExplained: 0.9, minValueExplained: 0.2 }).dimensions[0];
  assert.deepEqual(both.culprits.map((v) => v.value), ['a', 'b'], 'a value at exactly the floor is taken');
  assert.ok(Math.abs(both.explained - 1) < 1e-12);
  assert.equal(both.succinct, true);
  const floorAbove = rankRootCauses([{ dimension: 'format', slices: FORMAT }], { kind: 'count', minExplained: 0.9, minValueExplained: 0.21 }).dimensions[0];
  assert.deepEqual(floorAbove.culprits.map((v) => v.value), ['a']);
  assert.equal(floorAbove.succinct, false);
});

test('rootcause: at most maxCulprits values, and at most half of a dimension (but one of a single value)', () => {
  // Eight values; four of them share the rise equally (0.25 each).
  const spread = counts(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((v, i): [string, number, number] => [v, 100, i < 4 ? 125 : 100]));
  const three = rankRootCauses([{ dimension: 'x', slices: spread }], { kind: 'count' }).dimensions[0];
  assert.equal(three.culprits.length, 3, 'stops at 0.75 >= 0.67 after three');
  const capped = rankRootCauses([{ dimension: 'x', slices: spread }], { kind: 'count', maxCulprits: 2 }).dimensions[0];
  assert.equal(capped.culprits.length, 2);
  assert.equal(capped.succinct, false, 'two of four equal causes explain only half');
  const pair = rankRootCauses([{ dimension: 'y', slices: counts([['p', 100, 150], ['q', 100, 150]]) }], { kind: 'count' }).dimensions[0];
  assert.equal(pair.culprits.length, 1, 'half of two values is one');
  const single = rankRootCauses([{ dimension: 'z', slices: counts([['only', 100, 150]]) }], { kind: 'count' }).dimensions[0];
  assert.deepEqual(single.culprits.map((v) => v.value), ['only'], 'a dimension of one value still has its one culprit');
  assert.equal(single.succinct, true);
});

test('rootcause: no change explains nothing; rates per value come from their own counts', () => {
  const still = counts([['a', 100, 100], ['b', 200, 200]]);
  const result = rankRootCauses([{ dimension: 'x', slices: still }], { kind: 'count' });
  assert.equal(result.baselineRate, 300);
  assert.equal(result.currentRate, 300);
  const [x] = result.dimensions;
  assert.deepEqual(x.values.map((v) => v.explanatoryPower), [0, 0]);
  assert.deepEqual([x.culprits.length, x.succinct, x.surprise], [0, false, 0]);

  const rates = rankRootCauses([
    {
      dimension: 'format',
      slices: [
        { value: 'png', baseline: { numerator: 1, denominator: 100 }, current: { numerator: 10, denominator: 100 } },
        { value: 'gif', baseline: { numerator: 0, denominator: 0 }, current: { numerator: 0, denominator: 50 } },
      ],
    },
  ]);
  assert.equal(rates.baselineRate, 0.01);
  assert.ok(Math.abs(rates.currentRate - 10 / 150) < 1e-12);
  const byValue = Object.fromEntries(rates.dimensions[0].values.map((v) => [v.value, v]));
  assert.deepEqual([byValue.png.baselineRate, byValue.png.currentRate], [0.01, 0.1]);
  assert.deepEqual([byValue.gif.baselineRate, byValue.gif.currentRate], [0, 0], 'no events is a rate of 0, not NaN');
  assert.ok(byValue.gif.surprise > 0, 'gif went from no traffic to a third of it');
  assert.ok(Number.isFinite(byValue.png.surprise) && byValue.png.surprise > 0);
});

test('rootcause: a negative or missing count anywhere in the totals is a typed error', () => {
  const bad = (baseline: { numerator: number; denominator: number }) => () =>
    rankRootCauses([{ dimension: 'x', slices: [{ value: 'a', baseline, current: { numerator: 1, denominator: 1 } }] }]);
  assert.throws(bad({ numerator: 1, denominator: -1 }), /slice "a": counts must be >= 0/);
  assert.throws(bad({ numerator: NaN, denominator: 1 }), RootCauseInputError);
  assert.throws(
    () => rankRootCauses([{ dimension: 'x', slices: [{ value: 'a', baseline: { numerator: 1, denominator: 1 }, current: { numerator: 1, denominator: -2 } }] }]),
    RootCauseInputError,
    'the current side is checked too',
  );
});

test('rootcause: no dimensions at all is a typed error that says so', () => {
  assert.throws(() => rankRootCauses([]), { message: 'no dimensions given', code: 'bad_rootcause_input' });
});

test('rootcause: of dimensions equally surprising and neither succinct, the one explaining more ranks first', () => {
  // Requests 1000 -> 1100. Both dimensions take 'p' (the most surprising) first. X also takes 'r',
  // whose share stays at exactly 50% (no surprise) while it explains half the rise.
  const X = counts([['p', 100, 150], ['r', 500, 550], ['s1', 200, 200], ['s2', 200, 200]]);
  const Y = counts([['p', 100, 150], ['t', 900, 950]]);
  const result = rankRootCauses([{ dimension: 'y', slices: Y }, { dimension: 'x', slices: X }], { kind: 'count', minExplained: 1.01 });
  const [first, second] = result.dimensions;
  assert.deepEqual([first.succinct, second.succinct], [false, false]);
  assert.equal(first.surprise, second.surprise, 'the same culprit surprise on both');
  assert.deepEqual(result.dimensions.map((d) => [d.dimension, d.explained]), [['x', 1], ['y', 0.5]]);
});

test('rootcause: a count ignores denominators; a side with no events at all gives shares of 0, not NaN', () => {
  const plain = counts([['a', 100, 300], ['b', 100, 100]]);
  const withDenominators = plain.map((s, i) => ({ ...s, baseline: { ...s.baseline, denominator: 5 + i }, current: { ...s.current, denominator: 50 - i } }));
  const surprises = (slices: DimensionBreakdown['slices']) => rankRootCauses([{ dimension: 'x', slices }], { kind: 'count' }).dimensions[0].values.map((v) => v.surprise);
  assert.deepEqual(surprises(withDenominators), surprises(plain));

  // FPR from 0 of 200 to 6 of 200: the baseline has no false positives to share out.
  const fpr = rankRootCauses([
    {
      dimension: 'format',
      slices: [
        { value: 'webp', baseline: { numerator: 0, denominator: 100 }, current: { numerator: 6, denominator: 100 } },
        { value: 'png', baseline: { numerator: 0, denominator: 100 }, current: { numerator: 0, denominator: 100 } },
      ],
    },
  ]);
  const [webp] = fpr.dimensions[0].values;
  assert.equal(webp.value, 'webp');
  assert.ok(Number.isFinite(webp.surprise) && webp.surprise > 0, `surprise ${webp.surprise}`);
  assert.deepEqual(fpr.dimensions[0].culprits.map((v) => v.value), ['webp']);
});
