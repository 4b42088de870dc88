// Golden probes: a folder of images with JSON sidecars is scanned at a set rate and every
// probe arrives as a labelled event with source "probe"; an image without a label is skipped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir, useServices, waitFor } from '../harness/services.ts';
import { makeImages, readStoredEvents, startTestAgent } from './agent-stream.ts';

const services = useServices({ nats: true });
const dir = tempDir('starwatch-probes-');

test('golden probes emit labelled events', async () => {
  const [a, b, c] = await makeImages(3);
  writeFileSync(join(dir, 'a.png'), a);
  writeFileSync(join(dir, 'a.json'), JSON.stringify({ category: 'clean' }));
  writeFileSync(join(dir, 'b.jpg'), b);
  writeFileSync(join(dir, 'b.json'), JSON.stringify({ category: 'stego', method: 'exif', bit_order: 'none' }));
  writeFileSync(join(dir, 'c.webp'), c); // no sidecar: not a probe
  const agent = await startTestAgent(services.nats.url, { agentId: 'prober', probesDir: dir, probeRate: 50 });
  try {
    assert.equal(agent.probes?.size, 2);
    const stored = await waitFor(async () => {
      const s = await readStoredEvents(services.nats.url);
      return s.events.length >= 4 ? s : null;
    }, { what: 'two rounds of probes' });
    for (const e of stored.events) {
      assert.equal(e.source, 'probe');
      assert.ok(e.outputs, 'probe scanned');
      if (e.input.bytes === a.length) assert.deepEqual(e.label, { category: 'clean' });
      else {
        assert.equal(e.input.bytes, b.length);
        assert.deepEqual(e.label, { category: 'stego', method: 'exif', bit_order: 'none' });
      }
    }
  } finally {
    await agent.close();
  }
});
