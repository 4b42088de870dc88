// Template variables. `window` and `anomaly` points carry agent/model_version tags where `*` is the
// aggregate over all of them, so those variables are single-valued and default to `*`: picking a
// value selects exactly one precomputed series. The Agents and Models boards compare series side
// by side instead, so there the variable is multi-valued and matched as a regex.
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { ALL_VALUE, GRANULARITIES, MEASUREMENTS, RP_VARIABLES } from './contract.ts';
import { DATASOURCE } from './influxql.ts';

const option = (value: string): dashboard.VariableOption => ({ text: value, value, selected: true });

export function granularity(): dashboard.CustomVariableBuilder {
  return new dashboard.CustomVariableBuilder('granularity')
    .label('window')
    .description('Window granularity the collector aggregated over')
    .values(GRANULARITIES.join(','))
    .current(option('10s'));
}

/** One tag value of `measurement`, `*` (all) by default. */
export function singleTag(name: 'agent' | 'model_version', measurement: string): dashboard.QueryVariableBuilder {
  return new dashboard.QueryVariableBuilder(name)
    .label(`${name.replace('_', ' ')} (* = all)`)
    .datasource(DATASOURCE)
    .query(`SHOW TAG VALUES FROM "${measurement}" WITH KEY = "${name}"`)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc)
    .current(option(ALL_VALUE));
}

/** Several tag values of `measurement` to compare; `*` (the aggregate) is left out. */
export function multiTag(name: 'agent' | 'model_version' | 'series' | 'run', measurement: string): dashboard.QueryVariableBuilder {
  return new dashboard.QueryVariableBuilder(name)
    .label(name.replace('_', ' '))
    .datasource(DATASOURCE)
    .query(`SHOW TAG VALUES FROM "${measurement}" WITH KEY = "${name}"`)
    .regex('/^[^*]/')
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .allValue('.*')
    .current({ text: 'All', value: '$__all', selected: true });
}

export const windowAgent = (): dashboard.QueryVariableBuilder => singleTag('agent', MEASUREMENTS.window);
export const windowModel = (): dashboard.QueryVariableBuilder => singleTag('model_version', MEASUREMENTS.window);

/**
 * The granularity the collector runs its detectors (`anomaly`) or forecasts (`forecast`) on: a
 * collector setting (10 s and 1 min by default), so the board reads it from what was written
 * instead of reusing $granularity, where most choices would find nothing.
 */
export function analysisGranularity(name: 'anomaly_granularity' | 'forecast_granularity', measurement: string, preferred: string): dashboard.QueryVariableBuilder {
  return new dashboard.QueryVariableBuilder(name)
    .label(name === 'anomaly_granularity' ? 'anomaly window' : 'forecast window')
    .description(`Window granularity the collector wrote ${measurement} points at`)
    .datasource(DATASOURCE)
    .query(`SHOW TAG VALUES FROM "${measurement}" WITH KEY = "granularity"`)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc)
    .current(option(preferred));
}

export interface Policies {
  raw: string;
  windows: string;
}

/**
 * The InfluxDB 1.x retention policies, as the collector was configured (influx.rpRaw and
 * influx.rpWindows; grafana/build.ts reads them): hidden constants every query names in FROM.
 */
export function retentionPolicies(p: Policies): dashboard.ConstantVariableBuilder[] {
  return [
    new dashboard.ConstantVariableBuilder(RP_VARIABLES.raw).value(p.raw).description('retention policy of raw events (collector influx.rpRaw)'),
    new dashboard.ConstantVariableBuilder(RP_VARIABLES.windows).value(p.windows).description('retention policy of windows and the rest (collector influx.rpWindows)'),
  ];
}
