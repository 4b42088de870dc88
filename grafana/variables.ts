// Template variables. `window` and `anomaly` points carry agent/model_version tags where `*` is the
// aggregate over all of them, so those variables are single-valued and default to `*`: picking a
// value selects exactly one precomputed series. The Agents and Models boards compare series side
// by side instead, so there the variable is multi-valued and matched as a regex.
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { ALL_VALUE, GRANULARITIES, MEASUREMENTS } from './contract.ts';
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
export function multiTag(name: 'agent' | 'model_version' | 'series', measurement: string): dashboard.QueryVariableBuilder {
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
