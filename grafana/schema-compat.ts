// The foundation SDK v0.0.21 writes a few keys that Grafana 12.2's dashboard schema (the first with
// schemaVersion 42) does not know: `placement` on annotations and links (a later Grafana's
// "controls menu"), the interval variable's `auto`, `auto_min`, `auto_count` on every variable, and
// a table `footer` that is off. Grafana ignores them, but they are no part of the range the boards
// claim, so they are left out (test/unit/grafana-schema.test.ts checks against Grafana's types).
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';

const LEGACY_INTERVAL_KEYS = ['auto', 'auto_min', 'auto_count'] as const;

export function withoutUnknownKeys(board: dashboard.Dashboard): dashboard.Dashboard {
  for (const a of board.annotations?.list ?? []) delete a.placement;
  for (const l of board.links ?? []) delete l.placement;
  for (const v of board.templating?.list ?? []) if (v.type !== 'interval') for (const k of LEGACY_INTERVAL_KEYS) delete v[k];
  for (const p of allPanels(board.panels ?? [])) {
    const options = p.options as { footer?: { show?: boolean } } | undefined;
    if (p.type === 'table' && options?.footer?.show === false) delete options.footer;
  }
  return board;
}

type AnyPanel = dashboard.Panel | dashboard.RowPanel;

function allPanels(panels: AnyPanel[]): dashboard.Panel[] {
  return panels.flatMap((p) => (p.type === 'row' ? allPanels((p as dashboard.RowPanel).panels ?? []) : [p as dashboard.Panel]));
}
