// EventBatch v2: the InferenceEvents of one JetStream message laid out by column. Same events,
// same contract per event; only the carriage differs. Rows repeat every key and the agent's model
// in each event, and the collector spent most of its time parsing them back into ten small
// objects an event. Columns say each key once, the agent and its model once, and parse as flat
// arrays: a batch is about 4x smaller and decodes about 3x faster (bench/pipeline.ts measures
// it), which is the same trade OTel Arrow makes for telemetry.
//
// There is one column per field of event-fields.ts, plus `model`, `label` and `rollout`. Row i of a batch is
// the event { v: 1, agent_id, model: models[model[i]], event_id: event_id[i], ..., input: {...},
// timings: {...}, outputs: null when every output column is null at i, label: label[i] unless
// null or the column is absent, rollout: likewise }. The collector validates each row exactly as it validates a v1
// event.
import { Type, type Static, type TArray, type TObject, type TOptional, type TUnknown } from '@sinclair/typebox';
import { compile } from './field-code.ts';
import { EVENT_FIELDS, fieldValue, type EventField, type FieldGroup } from './event-fields.ts';
import { MAX_BATCH_EVENTS, MAX_INTEGER, Model, type InferenceEvent } from './inference-event.ts';

const column = Type.Array(Type.Unknown(), { maxItems: MAX_BATCH_EVENTS });
type Column = TArray<TUnknown>;
type Fields = (typeof EVENT_FIELDS)[number];
/** One column per field of the table (left out when optional and no row has it), plus the envelope's. */
type ColumnProperties = { [F in Fields as F['name']]: F extends { optional: true } ? TOptional<Column> : Column } & {
  model: Column;
  label: TOptional<Column>;
  rollout: TOptional<Column>;
};

function columnProperties(): ColumnProperties {
  const properties: Record<string, Column | TOptional<Column>> = {};
  for (const f of EVENT_FIELDS as readonly EventField[]) properties[f.name] = f.optional ? Type.Optional(column) : column;
  properties.model = column;
  /** Left out when no row has a label. */
  properties.label = Type.Optional(column);
  /** Left out when no row is part of a model rollout (agent/rollout). */
  properties.rollout = Type.Optional(column);
  return properties as ColumnProperties;
}

export const EventColumns = Type.Object(
  {
    v: Type.Literal(2),
    agent_id: Type.String({ minLength: 1, maxLength: 64 }),
    /** Per agent, increasing; with agent_id it names the batch for deduplication. */
    seq: Type.Integer({ minimum: 0, maximum: MAX_INTEGER }),
    /** Rows: the length of every column. */
    n: Type.Integer({ minimum: 1, maximum: MAX_BATCH_EVENTS }),
    /** The models the rows were scored by; the `model` column holds indexes into this list. */
    models: Type.Array(Model, { minItems: 1, maxItems: MAX_BATCH_EVENTS }),
    columns: Type.Object(columnProperties(), { additionalProperties: false }) as TObject<ColumnProperties>,
  },
  { additionalProperties: false },
);
export type EventColumns = Static<typeof EventColumns>;

const FIELDS = EVENT_FIELDS as readonly EventField[];
const inGroup = (group: FieldGroup) => FIELDS.filter((f) => f.group === group);
const TOP = inGroup('event');
const INPUT = inGroup('input');
const TIMINGS = inGroup('timings');
const OUTPUTS = inGroup('outputs');

/** Columns from events, which must all carry `agentId` (the agent's EventBuilder makes them so). */
export function toColumns(agentId: string, seq: number, events: readonly InferenceEvent[]): EventColumns {
  const c: Record<string, unknown[]> = {};
  for (const f of FIELDS) c[f.name] = [];
  const modelColumn: number[] = [];
  const labels: unknown[] = [];
  const rollouts: unknown[] = [];
  let inRollout = false;
  const models: InferenceEvent['model'][] = [];
  const modelIndex = new Map<string, number>();
  let labelled = false;
  for (const e of events) {
    if (e.agent_id !== agentId) throw new TypeError(`event ${e.event_id} is from agent ${e.agent_id}, not ${agentId}`);
    const modelKey = `${e.model.id}\n${e.model.version}\n${e.model.sha256}`;
    let m = modelIndex.get(modelKey);
    if (m === undefined) modelIndex.set(modelKey, (m = models.push(e.model) - 1));
    modelColumn.push(m);
    for (const f of FIELDS) c[f.name].push(fieldValue(e, f) ?? null);
    labels.push(e.label ?? null);
    if (e.label !== undefined) labelled = true;
    rollouts.push(e.rollout ?? null);
    if (e.rollout !== undefined) inRollout = true;
  }
  // An optional field no row has stays off the wire, so collectors that predate it read the batch.
  for (const f of FIELDS) if (f.optional && c[f.name].every((x) => x === null)) delete c[f.name];
  c.model = modelColumn;
  if (labelled) c.label = labels;
  if (inRollout) c.rollout = rollouts;
  return { v: 2, agent_id: agentId, seq, n: events.length, models, columns: c as EventColumns['columns'] };
}

/** Why the columns do not line up with `n`, or undefined when they do. */
export function columnsMisfit(batch: EventColumns): string | undefined {
  for (const [name, values] of Object.entries(batch.columns))
    if (values.length !== batch.n) return `/columns/${name} has ${values.length} values, n is ${batch.n}`;
  return undefined;
}

/** Row `i` as an event, not yet validated (a column may hold anything). */
export function rowOf(batch: EventColumns, i: number): unknown {
  return readRow(batch, batch.columns, i);
}

// Written from the table (schema/field-code.ts says why): what rowOf did by hand before.
const readRow = compile<(batch: EventColumns, c: EventColumns['columns'], i: number) => unknown>(
  ['batch', 'c', 'i'],
  `const m = c.model[i];
  // A bad index stays as it is, so the schema names it (/model must be object).
  const row = { v: 1, agent_id: batch.agent_id, model: (Number.isInteger(m) && batch.models[m]) || m, ${members(TOP)} };
  ${optionalMembers('row', TOP)}
  const input = { ${members(INPUT)} };
  ${optionalMembers('input', INPUT)}
  row.input = input;
  const timings = { ${members(TIMINGS)} };
  ${optionalMembers('timings', TIMINGS)}
  row.timings = timings;
  // Outputs are null when every output column is (the request failed, there is no verdict).
  let outputs = null;
  if (${OUTPUTS.map((f) => `${has(f)}`).join(' || ')}) {
    outputs = { ${members(OUTPUTS)} };
    ${optionalMembers('outputs', OUTPUTS)}
  }
  row.outputs = outputs;
  const label = c.label === undefined ? null : c.label[i];
  if (label !== null && label !== undefined) row.label = label;
  const rollout = c.rollout === undefined ? null : c.rollout[i];
  if (rollout !== null && rollout !== undefined) row.rollout = rollout;
  return row;`,
);

function members(fields: readonly EventField[]): string {
  return fields.filter((f) => !f.optional).map((f) => `${f.name}: c.${f.name}[i]`).join(', ');
}

/** An optional field goes in only when its column is there and holds a value at `i`. */
function optionalMembers(target: string, fields: readonly EventField[]): string {
  return fields.filter((f) => f.optional).map((f) => `if (${has(f)}) ${target}.${f.name} = c.${f.name}[i];`).join('\n');
}

function has(f: EventField): string {
  return f.optional ? `(c.${f.name} !== undefined && c.${f.name}[i] !== null && c.${f.name}[i] !== undefined)` : `c.${f.name}[i] !== null`;
}
