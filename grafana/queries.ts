// Every InfluxQL query a built dashboard holds: panel targets, annotation targets and variable
// queries, each with where it sits (for messages) and what it must return.
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';

export interface BoardQuery {
  /** e.g. `Starwatch / Overview > panel "Throughput" > A` */
  where: string;
  query: string;
  kind: 'panel' | 'annotation' | 'variable';
}

interface TargetLike {
  refId?: string;
  query?: string;
}

export function boardQueries(board: dashboard.Dashboard): BoardQuery[] {
  const out: BoardQuery[] = [];
  const title = board.title ?? board.uid ?? '?';
  for (const panel of board.panels ?? []) {
    if (panel.type === 'row') continue;
    for (const t of ((panel as dashboard.Panel).targets ?? []) as TargetLike[]) {
      out.push({ where: `${title} > panel "${panel.title}" > ${t.refId}`, query: t.query ?? '', kind: 'panel' });
    }
  }
  for (const a of board.annotations?.list ?? []) {
    const t = a.target as TargetLike | undefined;
    if (a.builtIn !== 1) out.push({ where: `${title} > annotation "${a.name}"`, query: t?.query ?? '', kind: 'annotation' });
  }
  for (const v of board.templating?.list ?? []) {
    if (v.type === 'query') out.push({ where: `${title} > variable $${v.name}`, query: String(v.query ?? ''), kind: 'variable' });
  }
  return out;
}

/** Panels (not rows) that hold no query at all. */
export function panelsWithoutQuery(board: dashboard.Dashboard): string[] {
  return (board.panels ?? [])
    .filter((p) => p.type !== 'row' && ((p as dashboard.Panel).targets ?? []).length === 0)
    .map((p) => p.title ?? '?');
}
