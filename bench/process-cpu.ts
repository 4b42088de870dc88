// CPU seconds (user + system) a process has used, from /proc: on a 2-core machine shared by the
// publishers, NATS, the collector and influxd, where the cores go says what limits the rate.
import { readFileSync } from 'node:fs';

/** Linux's clock ticks per second for /proc times (USER_HZ, 100 on every common kernel). */
const TICKS_PER_S = 100;

export function processCpuSeconds(pid: number): number {
  // Fields after the command name, which is in parentheses and may hold spaces: utime and stime
  // are the 14th and 15th fields of the line, the 12th and 13th after ") ".
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_S;
}

/** CPU seconds of several processes, each from now until the returned function is called. */
export function cpuMeter(pids: Record<string, number>): () => Record<string, number> {
  const start = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, processCpuSeconds(pid)]));
  return () => Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, Number((processCpuSeconds(pid) - start[name]).toFixed(2))]));
}
