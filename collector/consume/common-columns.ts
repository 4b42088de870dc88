// The v2 counterpart of common-event.ts: the common shape of a column batch checked a column at
// a time, in tight loops over flat arrays, instead of a row at a time over ten objects. It only
// ever says yes to rows the schema accepts; a row it doubts (a label, an odd value) goes to the
// schema, which decides and explains. test/unit/collector-common-columns.test.ts holds the two to
// that. The models were checked with the batch (EventColumns), so rows need not check them again.
import type { EventColumns } from '../../schemas/event-columns.ts';
import { compile } from '../../schemas/field-code.ts';
import { AGENT_ID, CHECKED, type CheckedField } from './common-event.ts';

type Columns = Readonly<Record<string, readonly unknown[] | undefined>>;
const PER_COLUMN = [...CHECKED.event, ...CHECKED.input, ...CHECKED.timings];

/** Per row, 1 when it is plain (valid for sure), 0 when the schema must look at it. */
export function plainRows(batch: EventColumns): Uint8Array {
  const c = batch.columns as Columns;
  const n = batch.n;
  const plain = new Uint8Array(n);
  if (!AGENT_ID.test(batch.agent_id)) return plain;
  plain.fill(1);
  doubtColumns(plain, c, n);
  const models = batch.models.length;
  const model = c.model as unknown[];
  for (let i = 0; i < n; i++) {
    const m = model[i];
    if (!(Number.isInteger(m) && (m as number) >= 0 && (m as number) < models)) plain[i] = 0;
  }
  const label = c.label;
  if (label) for (let i = 0; i < n; i++) if (label[i] !== null) plain[i] = 0;
  const rollout = c.rollout;
  if (rollout) for (let i = 0; i < n; i++) if (rollout[i] !== null) plain[i] = 0;
  doubtOutputs(plain, c, n);
  return plain;
}

/**
 * Each column's check over its values: one loop per column, written from the table
 * (schemas/field-code.ts), so every check is called from a call site of its own, which V8
 * inlines (one shared loop calling each column's check in turn: 0.26 us an event; this: 0.21).
 */
const doubtColumns = compile<(plain: Uint8Array, c: Columns, n: number) => void>(
  ['plain', 'c', 'n'],
  PER_COLUMN.map(doubtColumnCode).join('\n'),
  Object.fromEntries(PER_COLUMN.map((f) => [`check_${f.name}`, f.check])),
);

function doubtColumnCode(f: CheckedField): string {
  // An optional column left out: every row lacks the field, which is fine.
  const isNull = f.mayLack ? 'false' : 'true';
  return `{ const values = c.${f.name};
  if (values !== undefined) for (let i = 0; i < n; i++) { const x = values[i]; if (x === null ? ${isNull} : !check_${f.name}(x)) plain[i] = 0; } }`;
}

/** Per row, every output column null (no verdict), or a whole verdict. */
function doubtOutputs(plain: Uint8Array, c: Columns, n: number): void {
  const scored = new Uint8Array(n);
  for (const f of CHECKED.outputs) {
    const values = c[f.name];
    if (values !== undefined) for (let i = 0; i < n; i++) if (values[i] !== null) scored[i] = 1;
  }
  for (const f of CHECKED.outputs) {
    const values = c[f.name];
    const { check, mayLack } = f;
    for (let i = 0; i < n; i++) {
      if (scored[i] === 0) continue;
      const x = values === undefined ? null : values[i];
      if (x === null ? !mayLack : !check(x)) plain[i] = 0;
    }
  }
}
