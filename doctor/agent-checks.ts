// The agents: reachable, model loaded, connected to NATS (events queue while it is away).
import { fail, getJson, guarded, ok, warn, type CheckResult } from './check.ts';

export async function checkAgent(url: string, timeoutMs: number): Promise<CheckResult[]> {
  const name = `agent ${url}`;
  return guarded(name, `start the agent (starwatch agent --model ... or --proxy ...) and check that ${url} reaches its port`, async () => {
    const { status, body } = await getJson(`${url}/readyz`, timeoutMs);
    const out: CheckResult[] = [];
    if (status === 200 && body?.model_loaded) out.push(ok(name, 'ready, model loaded'));
    else if (body?.model_loaded === false) out.push(fail(name, 'the model is not loaded', 'check --model (a V4 ONNX file) or, in proxy mode, that the upstream answers'));
    else out.push(fail(name, `/readyz answered ${status}`, 'read the agent log: it says why it is not ready'));
    if (body?.nats_connected === false) {
      out.push(warn(`${name} NATS`, `not connected; ${body.queue_depth} events queued`, 'check --nats and STARWATCH_NATS_TOKEN (or --nats-creds) of the agent'));
    } else if (body?.nats_connected) out.push(ok(`${name} NATS`, `connected, ${body.queue_depth} events queued`));
    return out;
  });
}
