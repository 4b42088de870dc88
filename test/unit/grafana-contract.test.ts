// Every dashboard query names only measurements, fields and tags of schemas/measurements.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { renderDashboards } from '../../grafana/build.ts';
import { CONTRACT, METHOD_FIELDS } from '../../grafana/contract.ts';
import { checkQuery } from '../../grafana/query-refs.ts';
import { boardQueries } from '../../grafana/queries.ts';
import { MEASUREMENTS } from '../../schemas/measurements.ts';

const contractSource = readFileSync(new URL('../../schemas/measurements.ts', import.meta.url), 'utf8');
// The `inference` fields are the field table's, not comments: a rename there renames them here.
const fieldTableSource = readFileSync(new URL('../../schemas/event-fields.ts', import.meta.url), 'utf8');
const queries = [...renderDashboards().values()].flatMap((text) => boardQueries(JSON.parse(text)));

test('every panel, annotation and variable query references only what the contract has', () => {
  assert.ok(queries.length > 40, `expected the boards' queries, found ${queries.length}`);
  const problems = queries.flatMap(({ where, query }) => checkQuery(query).map((p) => `${where}: ${p}`));
  assert.deepEqual(problems, []);
});

test('every measurement the boards know is one schemas/measurements.ts exports', () => {
  assert.deepEqual(Object.keys(CONTRACT).sort(), Object.values(MEASUREMENTS).sort());
});

test('every tag and field name the boards rely on is written in schemas/measurements.ts', () => {
  // Names the contract only states in comments: a rename there must break this test.
  const mentioned = (name: string) => new RegExp(`\\b${name}\\b`).test(contractSource);
  for (const [measurement, c] of Object.entries(CONTRACT)) {
    for (const tag of c.tags) assert.ok(mentioned(tag), `tag ${measurement}.${tag} is not in measurements.ts`);
    for (const field of Object.keys(c.fields)) {
      if (measurement === MEASUREMENTS.inference) {
        assert.ok(fieldTableSource.includes(`name: '${field}'`), `field ${measurement}.${field} is not in event-fields.ts`);
        continue;
      }
      const generic = field.replace(new RegExp(`(${METHOD_FIELDS.join('|')})`), '<m>');
      assert.ok(mentioned(field) || contractSource.includes(generic), `field ${measurement}.${field} is not in measurements.ts`);
    }
    for (const prefix of c.fieldPrefixes) assert.ok(contractSource.includes(`${prefix}<`), `field family ${prefix}<x> is not in measurements.ts`);
  }
  assert.ok(contractSource.includes(`(${['alpha', 'palette', 'lsb_rgb', 'exif', 'raw'].join(', ')})`));
  assert.deepEqual(METHOD_FIELDS, ['alpha', 'palette', 'lsb_rgb', 'exif', 'raw']);
});

test('the checker rejects queries that name what the contract lacks', () => {
  const bad: Array<[string, RegExp]> = [
    [`SELECT mean("rps") FROM "windows" WHERE $timeFilter`, /unknown measurement "windows"/],
    [`SELECT mean("latency_p42") FROM "$rp_windows"."window" WHERE $timeFilter`, /"latency_p42" is not a field/],
    [`SELECT mean("rps") FROM "$rp_windows"."window" WHERE "region" = 'eu' AND $timeFilter`, /"region" is used as a tag/],
    [`SELECT mean("rps") FROM "$rp_windows"."window" WHERE $timeFilter GROUP BY time($__interval), "host"`, /"host" is used as a tag/],
    [`SELECT mean("is_anomaly") FROM "$rp_windows"."anomaly" WHERE $timeFilter`, /needs a number/],
    [`SELECT sum(/^warn_/) FROM "$rp_windows"."window" WHERE $timeFilter`, /selects no field/],
    [`SELECT mean(rps) FROM "$rp_windows"."window" WHERE $timeFilter`, /unquoted name rps/],
    [`SELECT mean("run_id") FROM "$rp_windows"."validation" WHERE $timeFilter`, /needs a number/],
    [`SELECT mean("queue_depth") FROM "$rp_windows"."window" WHERE $timeFilter`, /"queue_depth" is not a field of window/],
    [`SELECT mean("total_ms") FROM "inference" WHERE $timeFilter`, /retention policy \$rp_raw/],
    [`SELECT mean("rps") FROM "raw"."window" WHERE $timeFilter`, /retention policy \$rp_windows/],
  ];
  for (const [query, why] of bad) {
    const problems = checkQuery(query);
    assert.ok(problems.some((p) => why.test(p)), `${query}\n  expected ${why}, got ${JSON.stringify(problems)}`);
  }
});

test('the checker accepts the InfluxQL forms the boards use', () => {
  const good = [
    `SELECT sum("errors") / sum("count") FROM "$rp_windows"."window" WHERE "granularity" = '$granularity' AND $timeFilter GROUP BY time($__interval) fill(null)`,
    `SELECT sum(/^err_/) FROM "$rp_windows"."window" WHERE $timeFilter`,
    `SELECT count("up") FROM (SELECT last("uptime_s") AS "up" FROM "$rp_windows"."agent" WHERE "agent" =~ /^$agent$/ GROUP BY "agent")`,
    `SHOW TAG VALUES FROM "window" WITH KEY = "model_version"`,
    `SELECT max("gap") FROM (SELECT elapsed("uptime_s", 1s) AS "gap" FROM "$rp_windows"."agent" WHERE $timeFilter GROUP BY "agent") WHERE $timeFilter GROUP BY time($__interval), "agent" fill(null)`,
    `SELECT * FROM "$rp_windows"."validation" WHERE $timeFilter`,
    `SELECT percentile("total_ms", 95) FROM "$rp_raw"."inference" WHERE "label" = 'clean' AND $timeFilter GROUP BY "model_version"`,
  ];
  for (const q of good) assert.deepEqual(checkQuery(q), [], q);
});
