// A child process's memory from /proc, read by the bench itself: asking the process (its /metrics)
// costs it a scrape, which a bench counting its CPU should not charge it.
import { readFileSync } from 'node:fs';

/** Resident memory in whole MB: `now` (VmRSS) or the peak since the process started (VmHWM). */
export function rssMb(pid: number, which: 'now' | 'peak'): number {
  const field = which === 'now' ? 'VmRSS' : 'VmHWM';
  const kb = Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
  return Math.round(kb / 1024);
}
