// The demo's late labels: the traffic generator sends every n-th corpus request without its label
// (an X-Request-Id instead) and hands the label to the reviewer, which sends it on
// starwatch.v1.labels once the request is old enough, again while the collector does not know the
// event yet, and gives up after its tries. Real nats-server; the collector's side is a responder
// that answers as subscribeLabels does, so each outcome can be chosen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'nats';
import { LateLabeller, reviewLabel } from '../../deploy/demo/late-labels.ts';
import { TrafficGenerator } from '../../deploy/demo/traffic.ts';
import type { CorpusItem } from '../../deploy/demo/corpus.ts';
import type { LateLabel } from '../../collector/labels/late-label.ts';
import { LABELS_SUBJECT } from '../../schemas/subjects.ts';
import { useServices, waitFor } from '../harness/services.ts';

const services = useServices({ nats: true });

const clean: CorpusItem = { file: 'a.png', bytes: Buffer.from('clean'), label: { category: 'clean', format: 'PNG' } as CorpusItem['label'] };
const stego: CorpusItem = { file: 'b.png', bytes: Buffer.from('stego'), label: { category: 'stego', format: 'PNG', method: 'lsb.rgb', bit_order: 'msb-first' } as CorpusItem['label'] };

test('reviewLabel names the request and gives the truth (and the method of a stego image)', () => {
  assert.deepEqual(reviewLabel('demo-1', clean.label), { request_id: 'demo-1', truth: 'clean', source: 'review' });
  assert.deepEqual(reviewLabel('demo-2', stego.label), { request_id: 'demo-2', truth: 'stego', method: 'lsb.rgb', source: 'review' });
});

test('every n-th request goes without its label, with its request id, and its label is handed over once it was scanned', async () => {
  const seen: Array<{ query: string; requestId: string | undefined }> = [];
  const server = createServer((req: IncomingMessage, res) => {
    seen.push({ query: new URL(req.url ?? '/', 'http://x').search, requestId: req.headers['x-request-id'] as string | undefined });
    // demo-7 is refused at the door, as an overloaded agent does: no event holds its request id.
    if (req.headers['x-request-id'] === 'demo-7') res.statusCode = 503;
    req.resume().on('end', () => res.end('{}'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const held: LateLabel[] = [];
  const traffic = new TrafficGenerator({
    agentUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    rate: 200,
    corpus: [clean, stego],
    truncatedEvery: 1_000_000,
    lateLabelEvery: 4,
    // The checks below name requests by number: none may be missed when this process stalls (ci77).
    maxCatchUpMs: Number.POSITIVE_INFINITY,
    onHeldBack: (l) => held.push(l),
  });
  try {
    traffic.start();
    await waitFor(() => seen.length >= 12, { what: '12 requests' });
  } finally {
    await traffic.stop();
    await new Promise((r) => server.close(r));
  }
  const withheld = seen.filter((s) => s.requestId !== undefined);
  assert.ok(withheld.length >= 3, `${withheld.length} of ${seen.length} without a label`);
  for (const s of withheld) assert.equal(s.query, '', `a held-back request carried its label: ${s.query}`);
  // Requests 3, 7, 11... (every 4th, counted from 0): the odd ones of the clean/stego alternation;
  // handed over as they are answered (in any order), the refused one not at all.
  const byId = new Map(held.map((l) => ['request_id' in l ? l.request_id : '', l]));
  assert.deepEqual(byId.get('demo-3'), reviewLabel('demo-3', stego.label));
  assert.deepEqual(byId.get('demo-11'), reviewLabel('demo-11', stego.label));
  assert.equal(byId.has('demo-7'), false, 'the label of a refused request (503) was handed over');
  assert.equal(held.length, withheld.length - 1, "every other held-back request (all answered: stop waits for them) handed over");
  assert.equal(seen.length - withheld.length, seen.filter((s) => s.query.includes('label=')).length, 'every other request carries its label');
});

test('the reviewer sends a label once, again while its event is unknown, and gives up after its tries', async () => {
  const asked = new Map<string, number>();
  const nc = await connect({ servers: services.nats.url });
  const reviewer = await LateLabeller.start({ natsUrl: services.nats.url, everyMs: 50, delayMs: 0, tries: 3 });
  try {
    // The collector's side: demo-known is stored, demo-never never is.
    nc.subscribe(LABELS_SUBJECT, {
      callback: (_e, m) => {
        const ids = (JSON.parse(new TextDecoder().decode(m.data)) as Array<{ request_id: string }>).map((l) => l.request_id);
        for (const id of ids) asked.set(id, (asked.get(id) ?? 0) + 1);
        const unknown = ids.filter((id) => id === 'demo-never');
        m.respond(new TextEncoder().encode(JSON.stringify({ ok: true, applied: ids.length - unknown.length, unknown })));
      },
    });
    await nc.flush();
    reviewer.hold(reviewLabel('demo-known', clean.label));
    reviewer.hold(reviewLabel('demo-never', clean.label));
    await waitFor(() => reviewer.stats().unknown === 1, { what: 'the reviewer to give up on demo-never' });
  } finally {
    await reviewer.stop();
    await nc.close();
  }
  assert.deepEqual(reviewer.stats(), { held: 2, applied: 1, unknown: 1, failed: 0 });
  assert.equal(asked.get('demo-known'), 1);
  assert.equal(asked.get('demo-never'), 3);
});
