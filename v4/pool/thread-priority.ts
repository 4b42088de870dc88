// Lowers the OS scheduling priority of the calling thread. On Linux the nice value belongs to
// the thread, not the process, and threads it starts later (onnxruntime's) inherit it: a
// shadow model's worker at nice 10 gets about 1/10 of a core the served scans want, so it
// runs on what they leave. Not 19: at 1/70 a shadow starved beside stress-ng's busy loops
// (the demo test under stress got no shadow pair in 300 s) (design: agent/server/README.md, "Rollouts").
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/** Nice value of a worker that only does background work (the candidate in shadow). */
export const BACKGROUND_NICE = 10;

/** The kernel's id of the calling thread, or null where /proc/thread-self does not exist. */
export function currentThreadId(): number | null {
  try {
    // "<pid>/task/<tid>"
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    return Number.isSafeInteger(tid) && tid > 0 ? tid : null;
  } catch {
    return null;
  }
}

/** Sets this thread's nice value; false where the platform cannot (the work then runs at normal priority). */
export function niceThisThread(nice: number): boolean {
  const tid = currentThreadId();
  if (tid === null) return false;
  try {
    setPriority(tid, nice);
    return true;
  } catch {
    return false;
  }
}
