// The container rule (v4/container-rule.ts): a stego verdict by a pixel-LSB method is ruled out
// for a lossy file, and nothing else is touched; the lossy flag comes from the container.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AgentMetrics } from '../../agent/server/metrics.ts';
import { EventPublisher } from '../../agent/publish/publisher.ts';
import { encodeBmp } from '../../corpus/encode/bmp.ts';
import { insertWebpExif } from '../../corpus/encode/exif-containers.ts';
import { encodeJpeg, encodePng, encodeWebp } from '../../corpus/encode/sharp-formats.ts';
import type { PixelImage } from '../../corpus/image.ts';
import { runModel } from '../../validate/run.ts';
import { ruleOutImpossible } from '../../v4/container-rule.ts';
import { METHODS } from '../../v4/contract.ts';
import { readWebpHeader } from '../../v4/decode/webp.ts';
import { V4Path } from '../../v4/path.ts';
import type { Verdict } from '../../v4/verdict.ts';

const ALWAYS_LSB = 'test/fixtures/models/always-lsb-rgb.onnx';

const stego = (method: Verdict['method']): Verdict => ({ stegoProb: 0.99, isStego: true, method, methodProb: 0.9, bitOrder: 'lsb-first' });

function noise(width = 64, height = 48): PixelImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 7919 + (i >> 5) * 31) & 255;
  return { width, height, channels: 3, data };
}

// A minimal TIFF block: enough for a VP8X file with an EXIF chunk.
const TIFF = new Uint8Array([0x49, 0x49, 0x2a, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]);

async function files(): Promise<Record<string, Uint8Array>> {
  const image = noise();
  const lossyWebp = await encodeWebp(image, { lossless: false, quality: 80, effort: 0 });
  const losslessWebp = await encodeWebp(image, { lossless: true, quality: 80, effort: 0 });
  return {
    'a.jpg': await encodeJpeg(image, { quality: 90, progressive: false, chromaSubsampling: '4:2:0' }),
    'b.webp': lossyWebp,
    'c.webp': insertWebpExif(lossyWebp, TIFF),
    'd.webp': losslessWebp,
    'e.webp': insertWebpExif(losslessWebp, TIFF),
    'f.png': await encodePng(image),
    'g.bmp': encodeBmp(image),
  };
}
const LOSSY = new Set(['a.jpg', 'b.webp', 'c.webp']);

describe('the container rule', () => {
  it('rules out a stego verdict by alpha, palette or lsb.rgb for a lossy file, and only that', () => {
    for (const method of METHODS) {
      const pixel = method === 'alpha' || method === 'palette' || method === 'lsb.rgb';
      const lossy = ruleOutImpossible(stego(method), { lossy: true });
      assert.equal(lossy.isStego, !pixel, method);
      assert.equal(lossy.ruledOut, pixel ? true : undefined, method);
      assert.equal(lossy.stegoProb, 0.99, 'the model\'s probability is kept');
      assert.equal(lossy.method, method, 'and its method');
      assert.deepEqual(ruleOutImpossible(stego(method), { lossy: false }), stego(method), `${method} in a lossless file`);
    }
    const clean = { ...stego('lsb.rgb'), stegoProb: 0.2, isStego: false };
    assert.deepEqual(ruleOutImpossible(clean, { lossy: true }), clean, 'a clean verdict stays as it is');
    assert.deepEqual(ruleOutImpossible(stego(null), { lossy: true }), stego(null), 'a model without a method head');
  });

  it('WebP headers say lossy for VP8, plain or inside VP8X, and lossless for VP8L', async () => {
    const f = await files();
    assert.deepEqual(
      ['b.webp', 'c.webp', 'd.webp', 'e.webp'].map((n) => [n, readWebpHeader(f[n]).lossy]),
      [['b.webp', true], ['c.webp', true], ['d.webp', false], ['e.webp', false]],
    );
  });

  describe('through the V4 path and validate, with a model that says lsb.rgb for everything', () => {
    let path: V4Path;
    let f: Record<string, Uint8Array>;
    const dir = mkdtempSync(join(tmpdir(), 'starwatch-container-rule-'));
    before(async () => {
      path = await V4Path.load({ modelPath: ALWAYS_LSB });
      f = await files();
    });
    after(async () => {
      await path.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('answers a JPEG or lossy WebP clean, ruled out, and counts it; a lossless file stays stego', async () => {
      for (const [name, bytes] of Object.entries(f)) {
        const { info, verdict } = await path.scan(bytes);
        assert.equal(info.lossy, LOSSY.has(name), name);
        assert.equal(verdict.isStego, !LOSSY.has(name), name);
        assert.equal(verdict.ruledOut, LOSSY.has(name) ? true : undefined, name);
        assert.equal(verdict.method, 'lsb.rgb');
        assert.ok(verdict.stegoProb > 0.99);
      }
      assert.equal(path.ruledOut, LOSSY.size);
      const publisher = new EventPublisher({ agentId: 'rule-test', nats: { servers: ['nats://127.0.0.1:1'] } });
      const metrics = new AgentMetrics(publisher);
      metrics.watchRuledOut(path);
      assert.match(await metrics.text(), new RegExp(`^starwatch_agent_verdicts_ruled_out_total ${LOSSY.size}$`, 'm'));
    });

    it('validate judges with the rule too', async () => {
      const items = Object.entries(f).map(([name, bytes]) => {
        writeFileSync(join(dir, name), bytes);
        return { file: join(dir, name), dataset: 'd', algorithm: null, label: { category: 'clean' as const }, labelError: null };
      });
      const out = await runModel(items, { modelPath: ALWAYS_LSB });
      assert.deepEqual(
        out.results.map((r) => [r.file.slice(dir.length + 1), r.verdict?.isStego]),
        Object.keys(f).map((n) => [n, !LOSSY.has(n)]),
      );
    });
  });
});
