// starwatch forecast --csv FILE --horizon N [--json] [--season P] [--damped]
//   [--threshold X [--below] [--label NAME]]: fits Holt-Winters to a timestamp,value CSV and
// prints the next N steps with 95% intervals, and optionally when the threshold is reached.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { parseSeriesCsv, type BadRow } from '../../collector/detect/series-csv.ts';
import { fitHoltWinters } from '../../collector/forecast/fit.ts';
import { NotEnoughDataError } from '../../collector/forecast/holt-winters.ts';
import { timeToThreshold, type Crossing } from '../../collector/forecast/time-to-threshold.ts';
import { reportBadRows } from './detect.ts';

export interface ForecastRequest {
  horizon: number;
  season: number;
  damped: boolean;
  json: boolean;
  threshold?: number;
  below?: boolean;
  label?: string;
}

export function runForecast(csv: string, req: ForecastRequest): { output: string; crossing: Crossing | null; bad: BadRow[] } {
  if (!(Number.isInteger(req.horizon) && req.horizon > 0)) throw new RangeError('--horizon must be a positive integer');
  const { points, bad } = parseSeriesCsv(csv);
  const model = fitHoltWinters(points.map((p) => p.ts), points.map((p) => p.value), { period: req.season, damped: req.damped });
  const path = model.forecast(req.horizon);
  const crossing =
    req.threshold === undefined
      ? null
      : timeToThreshold(model.last.ts, model.last.value, path, req.threshold, { direction: req.below ? 'below' : 'above', label: req.label ?? 'value' });
  const rows = path.map((p) => ({ timestamp: new Date(p.ts).toISOString(), forecast: p.value, lower: p.lower, upper: p.upper }));
  if (req.json) {
    const doc = { params: model.params, sigma: model.sigma, forecast: rows, crossing: req.threshold === undefined ? undefined : crossing };
    return { output: `${JSON.stringify(doc, null, 1)}\n`, crossing, bad };
  }
  const lines = ['timestamp,forecast,lower,upper', ...rows.map((r) => `${r.timestamp},${r.forecast},${r.lower},${r.upper}`)];
  return { output: `${lines.join('\n')}\n`, crossing, bad };
}

export function registerForecast(program: Command): void {
  program
    .command('forecast')
    .description('Forecast a timestamp,value CSV with Holt-Winters and 95% prediction intervals')
    .requiredOption('--csv <file>', 'CSV of timestamp,value rows')
    .requiredOption('--horizon <n>', 'steps to forecast', (v) => Number(v))
    .option('--season <p>', 'points per season (e.g. 24 for hourly points with a daily rhythm)', (v) => Number(v), 0)
    .option('--damped', 'also try a damped trend')
    .option('--threshold <x>', 'report when the forecast reaches this value', (v) => Number(v))
    .option('--below', 'the threshold is crossed going down')
    .option('--label <name>', 'name of the series in the threshold text', 'value')
    .option('--json', 'print JSON instead of CSV')
    .action(async (opts: { csv: string; horizon: number; season: number; damped?: boolean; threshold?: number; below?: boolean; label: string; json?: boolean }, command: Command) => {
      const text = await readFile(opts.csv, 'utf8');
      let run: ReturnType<typeof runForecast>;
      try {
        run = runForecast(text, { ...opts, damped: Boolean(opts.damped), json: Boolean(opts.json) });
      } catch (e) {
        if (e instanceof RangeError || e instanceof NotEnoughDataError) {
          command.error(`forecast: ${e.message}`, { code: 'code' in e ? String(e.code) : 'bad_argument', exitCode: 2 });
        }
        throw e;
      }
      process.stdout.write(run.output);
      reportBadRows('forecast', run.bad);
      if (opts.threshold !== undefined && !opts.json) {
        process.stderr.write(`${run.crossing ? run.crossing.text : `${opts.label} does not reach ${opts.threshold} within ${opts.horizon} steps`}\n`);
      }
    });
}
