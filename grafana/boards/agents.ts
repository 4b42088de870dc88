// Agents: is each agent alive (heard from lately, without gaps), connected, keeping up (queue
// fill) and delivering (sent vs dropped). Heartbeats come from the `agent` measurement; per-agent
// traffic from the (agent, `*`) `window` points.
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { ALL_VALUE, MEASUREMENTS, from } from '../contract.ts';
import { tagMatchesVar } from '../influxql.ts';
import { board, row } from '../board.ts';
import { singleStat, stateTimeline, tableOf, timeSeries } from '../panels.ts';
import { BOOL_MAPPINGS, TARGETS, atLeast, neutral, upTo } from '../targets.ts';
import { granularity, multiTag } from '../variables.ts';

const AG = from(MEASUREMENTS.agent);
const W = from(MEASUREMENTS.window);
const agents = tagMatchesVar('agent');
const beatScope = `${agents} AND $timeFilter`;
const overTime = `GROUP BY time($__interval), "agent" fill(null)`;
const perAgent = `"model_version" = '${ALL_VALUE}' AND ${agents} AND "agent" != '${ALL_VALUE}'`;
// Heartbeats come every few seconds whatever the window granularity is.
const heartbeat = { minInterval: '10s' };
// events_sent / events_dropped count since the agent started: a restart resets them. Differences
// of consecutive beats skip the reset (non_negative_*) instead of a spread() that would sum across
// it, or count a restart as a huge negative drop.
const dropsPerBeat = `SELECT non_negative_difference(last("events_dropped")) AS "dropped" FROM ${AG} WHERE ${beatScope} GROUP BY time(10s), "agent"`;

export function agentsBoard(): dashboard.DashboardBuilder {
  return board({
    uid: 'starwatch-agents',
    title: 'Starwatch / Agents',
    description: 'Agent health, heartbeat gaps, queue fill, events sent and dropped',
  })
    .withVariable(granularity())
    .withVariable(multiTag('agent', MEASUREMENTS.agent))
    .withRow(row('Health'))
    .withPanel(
      singleStat({
        title: 'Agents reporting',
        description: `Agents heard from in the last ${TARGETS.agentSilentAfter} (three missed heartbeats and an agent no longer counts)`,
        unit: 'short',
        ...heartbeat,
        thresholds: atLeast(1),
        queries: [{ sql: `SELECT count("uptime") FROM (SELECT last("uptime_s") AS "uptime" FROM ${AG} WHERE ${agents} AND time > now() - ${TARGETS.agentSilentAfter} GROUP BY "agent")` }],
      }),
    )
    .withPanel(
      singleStat({
        title: 'Events dropped',
        description: 'Events the agents dropped in the range (queue full or NATS away), from consecutive heartbeats so restarts do not count',
        unit: 'short',
        ...heartbeat,
        thresholds: upTo(1),
        queries: [{ sql: `SELECT sum("dropped") FROM (${dropsPerBeat})` }],
      }),
    )
    .withPanel(
      tableOf({
        title: 'Agents',
        description: 'Latest heartbeat of each agent; "time" is when it was last heard from',
        size: { w: 12, h: 8 },
        ...heartbeat,
        queries: [
          {
            sql: `SELECT last("model_loaded") AS "model loaded", last("nats_connected") AS "NATS connected", last("uptime_s") AS "uptime (s)", last("queue_fill") AS "queue fill", last("events_sent") AS "sent", last("events_dropped") AS "dropped" FROM ${AG} WHERE ${beatScope} GROUP BY "agent", "model_version"`,
            format: 'table',
          },
        ],
      })
        .mappings(BOOL_MAPPINGS)
        .overrideByName('Time', [{ id: 'unit', value: 'dateTimeFromNow' }])
        .overrideByName('queue fill', [{ id: 'unit', value: 'percentunit' }]),
    )
    .withPanel(
      stateTimeline({
        title: 'NATS connected',
        description: 'Whether each agent could reach NATS (no: red)',
        ...heartbeat,
        queries: [{ sql: `SELECT last("nats_connected") FROM ${AG} WHERE ${beatScope} ${overTime}`, alias: '$tag_agent' }],
      }).mappings(BOOL_MAPPINGS),
    )
    .withPanel(
      stateTimeline({
        title: 'Model loaded',
        description: 'Whether each agent had its model loaded (no: red)',
        ...heartbeat,
        queries: [{ sql: `SELECT last("model_loaded") FROM ${AG} WHERE ${beatScope} ${overTime}`, alias: '$tag_agent' }],
      }).mappings(BOOL_MAPPINGS),
    )
    .withPanel(
      timeSeries({
        title: 'Heartbeat gaps',
        description: `Longest time between two heartbeats of each agent (line: ${TARGETS.heartbeatGapMaxS} s, three missed beats)`,
        unit: 's',
        ...heartbeat,
        thresholds: upTo(TARGETS.heartbeatGapMaxS),
        queries: [
          {
            sql: `SELECT max("gap") FROM (SELECT elapsed("uptime_s", 1s) AS "gap" FROM ${AG} WHERE ${beatScope} GROUP BY "agent") WHERE $timeFilter ${overTime}`,
            alias: '$tag_agent',
          },
        ],
      }),
    )
    .withRow(row('Delivery'))
    .withPanel(
      timeSeries({
        title: 'Queue fill',
        description: `Share of each agent's event queue in use (lines: ${TARGETS.queueFillWarn * 100} %, ${TARGETS.queueFillMax * 100} %; full means drops)`,
        unit: 'percentunit',
        decimals: 0,
        ...heartbeat,
        thresholds: upTo(TARGETS.queueFillMax, TARGETS.queueFillWarn),
        queries: [{ sql: `SELECT max("queue_fill") FROM ${AG} WHERE ${beatScope} ${overTime}`, alias: '$tag_agent' }],
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Events sent and dropped per second',
        description: 'Publishing rate and drop rate of each agent (restarts skipped, not counted as negative)',
        unit: 'short',
        ...heartbeat,
        thresholds: neutral(),
        queries: [
          { sql: `SELECT non_negative_derivative(last("events_sent"), 1s) FROM ${AG} WHERE ${beatScope} ${overTime}`, alias: '$tag_agent sent' },
          { sql: `SELECT non_negative_derivative(last("events_dropped"), 1s) FROM ${AG} WHERE ${beatScope} ${overTime}`, alias: '$tag_agent dropped' },
        ],
      }).overrideByRegexp(' dropped$', [{ id: 'color', value: { mode: 'fixed', fixedColor: 'red' } }]),
    )
    .withPanel(
      timeSeries({
        title: 'Requests/s by agent',
        description: 'Requests per second each agent served (all model versions)',
        unit: 'reqps',
        thresholds: neutral(),
        queries: [
          {
            sql: `SELECT sum("count") * 1000 / $__interval_ms FROM ${W} WHERE "granularity" = '$granularity' AND ${perAgent} AND $timeFilter ${overTime}`,
            alias: '$tag_agent',
          },
        ],
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Error ratio by agent',
        description: 'Errors / requests per agent',
        unit: 'percentunit',
        decimals: 2,
        thresholds: upTo(TARGETS.errorRatioMax, TARGETS.errorRatioWarn),
        queries: [
          {
            sql: `SELECT sum("errors") / sum("count") FROM ${W} WHERE "granularity" = '$granularity' AND ${perAgent} AND $timeFilter ${overTime}`,
            alias: '$tag_agent',
          },
        ],
      }),
    );
}
