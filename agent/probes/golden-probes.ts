// Golden probes: images of known truth, scanned at a steady rate through the same path as
// real traffic, so the collector can measure accuracy and false positives in production.
// Each probe emits a labelled event with source "probe".
import { readFile, stat } from 'node:fs/promises';
import { isImageFile, listFiles } from '../../v4/image-files.ts';
import type { Label } from '../../schemas/inference-event.ts';
import { silentLogger, type Logger } from '../../log/logger.ts';
import { readProbeLabel, sidecarPath } from './probe-label.ts';

export interface Probe {
  file: string;
  bytes: Uint8Array;
  label: Label;
}

/** Scans one probe and emits its event; must not throw for a bad image. */
export type ProbeScan = (bytes: Uint8Array, label: Label) => Promise<unknown>;

/** The images of a folder that have a readable label; the others are reported and skipped. */
export async function loadProbes(dir: string, logger: Logger = silentLogger): Promise<Probe[]> {
  const probes: Probe[] = [];
  for (const file of await listFiles(dir, isImageFile)) {
    const hasSidecar = await stat(sidecarPath(file)).then(() => true, () => false);
    if (!hasSidecar) continue;
    try {
      probes.push({ file, bytes: await readFile(file), label: await readProbeLabel(file) });
    } catch (e) {
      logger.warn(`probe ${file} skipped: ${(e as Error).message}`);
    }
  }
  return probes;
}

export class GoldenProbes {
  private timer: NodeJS.Timeout | null = null;
  private next = 0;
  private running = false;
  /** Probes sent, and ticks skipped because the previous probe was still running. */
  readonly counts = { sent: 0, skipped: 0 };

  constructor(
    private readonly probes: readonly Probe[],
    private readonly scan: ProbeScan,
    private readonly ratePerSec: number,
  ) {
    if (!(ratePerSec > 0)) throw new Error(`probe rate must be > 0 per second, got ${ratePerSec}`);
  }

  get size(): number {
    return this.probes.length;
  }

  start(): void {
    if (this.probes.length === 0 || this.timer) return;
    this.timer = setInterval(() => void this.tick(), 1000 / this.ratePerSec);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Scans the next probe (round robin) unless one is still running: probes never pile up. */
  async tick(): Promise<void> {
    if (this.running || this.probes.length === 0) {
      this.counts.skipped++;
      return;
    }
    const probe = this.probes[this.next];
    this.next = (this.next + 1) % this.probes.length;
    this.running = true;
    try {
      await this.scan(probe.bytes, probe.label);
      this.counts.sent++;
    } finally {
      this.running = false;
    }
  }
}
