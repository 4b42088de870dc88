// Inhibition: a firing critical alert on a key silences the warnings and infos on the same key
// (an FPR regression that pages makes "FPR above target" on the same key noise).
import type { Alert } from './types.ts';

/** Fingerprints of the alerts a firing critical on their key inhibits. */
export function inhibited(alerts: readonly Alert[]): Set<string> {
  const criticalKeys = new Set(alerts.filter((a) => a.state === 'firing' && a.severity === 'critical').map((a) => a.key));
  return new Set(alerts.filter((a) => a.severity !== 'critical' && criticalKeys.has(a.key)).map((a) => a.fingerprint));
}
