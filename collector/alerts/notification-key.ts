// A notification's identity across replicas: replicas that analyse the same merged windows come
// to the same notification at the same evaluation (event time), so this key is the same on
// each of them; the alert ids are left out (they count episodes, which a restarted replica may
// count differently). A repeat of an unchanged group is told at a later evaluation: another key.
import { createHash } from 'node:crypto';
import type { AlertNotification } from './notification.ts';

export function notificationKey(n: AlertNotification, toldAtMs: number): string {
  const alerts = (n.alerts ?? []).map((a) => `${a.rule}/${a.key}/${a.status}`).sort();
  const identity = [toldAtMs, n.status, n.group ?? '', n.fingerprint, n.startsAt, n.endsAt ?? '', ...alerts].join('\n');
  return createHash('sha256').update(identity).digest('hex').slice(0, 32);
}
