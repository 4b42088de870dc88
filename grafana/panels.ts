// Panel helpers over the foundation SDK: each takes a title, a unit and InfluxQL queries, and sets
// what every Starwatch panel shares (the datasource, and a minimum interval so a panel never
// asks for buckets finer than the windows the collector writes).
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as bargauge from '@grafana/grafana-foundation-sdk/bargauge';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as statetimeline from '@grafana/grafana-foundation-sdk/statetimeline';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { DATASOURCE, influxQL, refId, type Query } from './influxql.ts';
import { thresholdsOf, type Steps } from './targets.ts';

export interface Size {
  w: number;
  h: number;
}

interface Common {
  title: string;
  description: string;
  queries: Query[];
  unit?: string;
  size?: Size;
  /** Minimum GROUP BY time(); defaults to the window granularity variable. */
  minInterval?: string;
  /** Colour steps; a time series draws them as dashed lines. Grafana's default (red at 80) never applies. */
  thresholds?: Steps;
  decimals?: number;
}

/** A stat always judges its value: thresholds are required. */
type Judged = Common & { thresholds: Steps };

type AnyPanel =
  | bargauge.PanelBuilder
  | timeseries.PanelBuilder
  | stat.PanelBuilder | table.PanelBuilder | statetimeline.PanelBuilder;

function shared<P extends AnyPanel>(panel: P, c: Common, defaultSize: Size): P {
  const size = c.size ?? defaultSize;
  panel
    .title(c.title)
    .description(c.description)
    .datasource(DATASOURCE)
    .span(size.w)
    .height(size.h)
    .interval(c.minInterval ?? '$granularity');
  if (c.unit) panel.unit(c.unit);
  if (c.thresholds) panel.thresholds(thresholdsOf(c.thresholds));
  if (c.decimals !== undefined) panel.decimals(c.decimals);
  c.queries.forEach((q, i) => panel.withTarget(influxQL(refId(i), q)));
  return panel;
}

export function timeSeries(c: Common): timeseries.PanelBuilder {
  const panel = new timeseries.PanelBuilder()
    .lineWidth(1)
    .fillOpacity(10)
    .spanNulls(false)
    .legend(
      new common.VizLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(common.LegendDisplayMode.List)
        .placement(common.LegendPlacement.Bottom),
    )
    .tooltip(new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending));
  if (c.thresholds) panel.thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Dashed));
  return shared(panel, c, { w: 12, h: 8 });
}

/** The last value with samples; "no samples" (not 0) when there is none. */
export function singleStat(c: Judged): stat.PanelBuilder {
  const panel = new stat.PanelBuilder()
    .graphMode(common.BigValueGraphMode.Area)
    .colorMode(common.BigValueColorMode.Value)
    .noValue('no samples')
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false));
  return shared(panel, c, { w: 6, h: 4 });
}

export function tableOf(c: Common): table.PanelBuilder {
  return shared(new table.PanelBuilder().showHeader(true), c, { w: 24, h: 8 });
}

export function stateTimeline(c: Common): statetimeline.PanelBuilder {
  return shared(new statetimeline.PanelBuilder(), c, { w: 12, h: 8 });
}

/** One bar per series, each reduced to its total over the range. */
export function barGauge(c: Common): bargauge.PanelBuilder {
  const panel = new bargauge.PanelBuilder()
    .orientation(common.VizOrientation.Horizontal)
    .displayMode(common.BarGaugeDisplayMode.Gradient)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['sum']).values(false));
  return shared(panel, c, { w: 12, h: 8 });
}
