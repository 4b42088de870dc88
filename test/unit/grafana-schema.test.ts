// The generated boards against Grafana's own dashboard types (@grafana/schema 12.2.0, the first
// release of dashboard schemaVersion 42, which the boards declare). Grafana publishes no JSON
// schema, only TypeScript types, so each board's JSON becomes a TypeScript literal that must
// satisfy them: top-level fields, variables, annotations, links, and each panel's options and
// field config by its panel type (stat, timeseries, table, bargauge, state-timeline, row).
// Unknown or misspelled keys fail (excess property check), so does a value outside an enum.
// One tsc run checks all four boards and a control board with one wrong key, which must fail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultDashboard } from '@grafana/schema';
import { renderDashboards } from '../../grafana/build.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const rendered = renderDashboards();

// Grafana's types use TS enums, which a JSON string can never be; `${Enum}` is the union of their
// values, which is what a JSON file holds. Panel options are partial (Grafana fills defaults).
const TYPES = `
import type { DataQuery, Dashboard, FieldConfigSource, Panel, RowPanel } from '@grafana/schema';
import type * as stat from '@grafana/schema/dist/types/raw/composable/stat/panelcfg/x/StatPanelCfg_types.gen.js';
import type * as timeseries from '@grafana/schema/dist/types/raw/composable/timeseries/panelcfg/x/TimeSeriesPanelCfg_types.gen.js';
import type * as table from '@grafana/schema/dist/types/raw/composable/table/panelcfg/x/TablePanelCfg_types.gen.js';
import type * as bargauge from '@grafana/schema/dist/types/raw/composable/bargauge/panelcfg/x/BarGaugePanelCfg_types.gen.js';
import type * as statetimeline from '@grafana/schema/dist/types/raw/composable/statetimeline/panelcfg/x/StateTimelinePanelCfg_types.gen.js';

type Json<T> = T extends string ? \`\${T}\` : T extends number ? number : T extends boolean ? boolean
  : T extends readonly (infer U)[] ? Json<U>[] : T extends object ? { [K in keyof T]: Json<T[K]> } : T;
type Deep<T> = T extends readonly (infer U)[] ? Deep<U>[] : T extends object ? { [K in keyof T]?: Deep<T[K]> } : T;
// A query's own fields belong to its datasource (InfluxDB: query, rawQuery, resultFormat, ...).
type Query = Json<DataQuery> & Record<string, unknown>;
type Typed<Type extends string, Options, Custom> = Omit<Json<Panel>, 'type' | 'options' | 'fieldConfig' | 'targets'> & {
  type: Type;
  targets?: Query[];
  options?: Json<Deep<Options>>;
  fieldConfig?: Json<Omit<FieldConfigSource, 'defaults'>> & { defaults: Json<Omit<FieldConfigSource['defaults'], 'custom'>> & { custom?: Json<Deep<Custom>> } };
};
type AnyPanel =
  | Typed<'stat', stat.Options, {}>
  | Typed<'timeseries', timeseries.Options, timeseries.FieldConfig>
  | Typed<'table', table.Options, table.FieldConfig>
  | Typed<'bargauge', bargauge.Options, {}>
  | Typed<'state-timeline', statetimeline.Options, statetimeline.FieldConfig>
  | (Omit<Json<RowPanel>, 'panels'> & { panels: AnyPanel[] });
// An annotation's target is its datasource's query too (Grafana's type names the built-in one's).
type Annotation = Omit<Json<NonNullable<NonNullable<Dashboard['annotations']>['list']>[number]>, 'target'> & { target?: Query };
export type Board = Omit<Json<Dashboard>, 'panels' | 'annotations'> & { panels?: AnyPanel[]; annotations?: { list?: Annotation[] } };
`;

const boardModule = (json: string) => `import type { Board } from './types.ts';\nexport const board = ${json.trimEnd()} satisfies Board;\n`;

function tsc(dir: string): Promise<string> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', dir], { cwd: dir, timeout: 200_000 }, (_e, stdout, stderr) => resolve(stdout + stderr));
  });
}

test('the boards declare the schema version of the Grafana types they are checked against', () => {
  for (const [file, text] of rendered) assert.equal(JSON.parse(text).schemaVersion, defaultDashboard.schemaVersion, file);
  assert.equal(defaultDashboard.schemaVersion, 42);
});

test('every board satisfies Grafana 12.2 dashboard types; a board with a wrong key does not', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'starwatch-grafana-schema-'));
  try {
    symlinkSync(realpathSync(join(ROOT, 'node_modules')), join(dir, 'node_modules'));
    const compilerOptions = { strict: true, noEmit: true, skipLibCheck: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', allowImportingTsExtensions: true, types: [] };
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, include: ['*.ts'] }));
    writeFileSync(join(dir, 'types.ts'), TYPES);
    for (const [file, text] of rendered) writeFileSync(join(dir, file.replace('.json', '.ts')), boardModule(text));
    // The control: a stat panel's option misspelled, as a hand edit might.
    const broken = rendered.get('overview.json')!.replace('"colorMode"', '"colourMode"');
    assert.notEqual(broken, rendered.get('overview.json'), 'the control found nothing to break');
    writeFileSync(join(dir, 'control.ts'), boardModule(broken));
    const out = await tsc(dir);
    const errors = out.split('\n').filter((l) => /error TS\d+/.test(l));
    const byFile = (name: string) => errors.filter((l) => l.startsWith(name));
    assert.ok(byFile('control.ts').length > 0, `the misspelled option was not caught:\n${out}`);
    assert.deepEqual(errors.filter((l) => !l.startsWith('control.ts')), [], out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
