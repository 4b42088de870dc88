// The v2 counterpart of common-event.ts: the common shape of a column batch checked a column at
// a time, in tight loops over flat arrays, instead of a row at a time over ten objects. It only
// ever says yes to rows the schema accepts; a row it doubts (a label, an odd value) goes to the
// schema, which decides and explains. test/unit/collector-common-columns.test.ts holds the two to
// that. The models were checked with the batch (EventColumns), so rows need not check them again.
import type { EventColumns } from '../../schemas/event-columns.ts';
import { AGENT_ID, BIT_ORDERS, METHODS, SOURCES, TS_NS, atLeast0, count, sized, unit } from './common-event.ts';

/** Per row, 1 when it is plain (valid for sure), 0 when the schema must look at it. */
export function plainRows(batch: EventColumns): Uint8Array {
  const c = batch.columns;
  const n = batch.n;
  const plain = new Uint8Array(n);
  if (!AGENT_ID.test(batch.agent_id)) return plain;
  plain.fill(1);
  const doubt = (ok: (x: any) => boolean, values: unknown[]) => {
    for (let i = 0; i < n; i++) if (!ok(values[i])) plain[i] = 0;
  };
  doubt((x) => sized(x, 1, 64), c.event_id);
  doubt((x) => typeof x === 'string' && TS_NS.test(x), c.ts_ns);
  doubt((x) => SOURCES.has(x), c.source);
  doubt((x) => Number.isInteger(x) && x >= 0 && x < batch.models.length, c.model);
  doubt((x) => sized(x, 0, 16), c.format);
  for (const counts of [c.bytes, c.width, c.height]) doubt(count, counts);
  for (const timings of [c.decode_ms, c.preprocess_ms, c.infer_ms, c.total_ms]) doubt(atLeast0, timings);
  doubt((x) => x === null || sized(x, 0, 64), c.error_code);
  if (c.label) doubt((x) => x === null, c.label);
  if (c.rollout) doubt((x) => x === null, c.rollout);
  for (let i = 0; i < n; i++) if (plain[i] === 1 && !plainOutputs(c, i)) plain[i] = 0;
  return plain;
}

/** All five output columns null (no verdict), or a whole verdict. */
function plainOutputs(c: EventColumns['columns'], i: number): boolean {
  const isStego = c.is_stego[i];
  if (isStego === null)
    return c.stego_prob[i] === null && c.method[i] === null && c.method_prob[i] === null && c.bit_order[i] === null;
  const method = c.method[i];
  const methodProb = c.method_prob[i];
  const bitOrder = c.bit_order[i];
  return (
    typeof isStego === 'boolean' &&
    unit(c.stego_prob[i]) &&
    (method === null || METHODS.has(method)) &&
    (methodProb === null || unit(methodProb)) &&
    (bitOrder === null || BIT_ORDERS.has(bitOrder))
  );
}
