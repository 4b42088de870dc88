// Agents: is each agent alive, connected, keeping up (queue) and delivering (sent vs dropped).
// Heartbeats come from the `agent` measurement; per-agent traffic from `window` points.
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { ALL_VALUE, MEASUREMENTS, from } from '../contract.ts';
import { tagMatchesVar } from '../influxql.ts';
import { board, row } from '../board.ts';
import { singleStat, stateTimeline, tableOf, timeSeries } from '../panels.ts';
import { granularity, multiTag } from '../variables.ts';

const AG = from(MEASUREMENTS.agent);
const W = from(MEASUREMENTS.window);
const agents = tagMatchesVar('agent');
const beatScope = `${agents} AND $timeFilter`;
const overTime = `GROUP BY time($__interval), "agent" fill(null)`;
// The window engine keeps each agent per model version (agent X, model_version V) and the overall
// key (*, *), not an agent over all versions: sum an agent's per-version windows instead.
const perAgent = `"model_version" != '${ALL_VALUE}' AND ${agents} AND "agent" != '${ALL_VALUE}'`;
// Heartbeats come every few seconds whatever the window granularity is.
const heartbeat = { minInterval: '10s' };

export function agentsBoard(): dashboard.DashboardBuilder {
  return board({
    uid: 'starwatch-agents',
    title: 'Starwatch / Agents',
    description: 'Agent health, queue depth, events sent and dropped',
  })
    .withVariable(granularity())
    .withVariable(multiTag('agent', MEASUREMENTS.agent))
    .withRow(row('Health'))
    .withPanel(
      singleStat({
        title: 'Agents reporting',
        description: 'Agents with a heartbeat in the range',
        unit: 'short',
        ...heartbeat,
        queries: [{ sql: `SELECT count("uptime") FROM (SELECT last("uptime_s") AS "uptime" FROM ${AG} WHERE ${beatScope} GROUP BY "agent")` }],
      }),
    )
    .withPanel(
      singleStat({
        title: 'Events dropped',
        description: 'Events the agents dropped in the range (queue full or NATS away)',
        unit: 'short',
        ...heartbeat,
        queries: [{ sql: `SELECT sum("dropped") FROM (SELECT spread("events_dropped") AS "dropped" FROM ${AG} WHERE ${beatScope} GROUP BY "agent")` }],
      }),
    )
    .withPanel(
      tableOf({
        title: 'Agents',
        description: 'Latest heartbeat of each agent',
        size: { w: 12, h: 8 },
        ...heartbeat,
        queries: [
          {
            sql: `SELECT last("model_loaded") AS "model loaded", last("nats_connected") AS "NATS connected", last("uptime_s") AS "uptime (s)", last("queue_depth") AS "queue", last("events_sent") AS "sent", last("events_dropped") AS "dropped" FROM ${AG} WHERE ${beatScope} GROUP BY "agent"`,
            format: 'table',
          },
        ],
      }),
    )
    .withPanel(
      stateTimeline({
        title: 'NATS connected',
        description: 'Whether each agent could reach NATS',
        ...heartbeat,
        queries: [{ sql: `SELECT last("nats_connected") FROM ${AG} WHERE ${beatScope} ${overTime}`, alias: '$tag_agent' }],
      }),
    )
    .withPanel(
      stateTimeline({
        title: 'Model loaded',
        description: 'Whether each agent had its model loaded',
        ...heartbeat,
        queries: [{ sql: `SELECT last("model_loaded") FROM ${AG} WHERE ${beatScope} ${overTime}`, alias: '$tag_agent' }],
      }),
    )
    .withRow(row('Delivery'))
    .withPanel(
      timeSeries({
        title: 'Queue depth',
        description: 'Events waiting in each agent before publishing',
        unit: 'short',
        ...heartbeat,
        queries: [{ sql: `SELECT max("queue_depth") FROM ${AG} WHERE ${beatScope} ${overTime}`, alias: '$tag_agent' }],
      }),
    )
    .withPanel(
      timeSeries({
        // events_sent / events_dropped are counters since the agent started: a restart resets them,
        // which non_negative_derivative skips instead of drawing a huge negative rate.
        title: 'Events sent and dropped per second',
        description: 'Publishing rate and drop rate of each agent',
        unit: 'short',
        ...heartbeat,
        queries: [
          { sql: `SELECT non_negative_derivative(last("events_sent"), 1s) FROM ${AG} WHERE ${beatScope} ${overTime}`, alias: '$tag_agent sent' },
          { sql: `SELECT non_negative_derivative(last("events_dropped"), 1s) FROM ${AG} WHERE ${beatScope} ${overTime}`, alias: '$tag_agent dropped' },
        ],
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Requests/s by agent',
        description: 'Requests per second each agent served (all model versions)',
        unit: 'reqps',
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
        queries: [
          {
            sql: `SELECT sum("errors") / sum("count") FROM ${W} WHERE "granularity" = '$granularity' AND ${perAgent} AND $timeFilter ${overTime}`,
            alias: '$tag_agent',
          },
        ],
      }),
    );
}
