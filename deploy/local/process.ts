// A local service process: started from PATH, logs kept in its folder, stopped on demand.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';

export interface ServiceProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** SIGTERM, then SIGKILL if it does not exit within graceMs. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL at once, as a crash would. */
  kill(): Promise<void>;
}

/** Says exactly how to get a missing binary instead of failing with ENOENT. */
export function requireBinary(binary: string, debianPackage: string): void {
  const found = spawnSync('sh', ['-c', `command -v ${binary}`]).status === 0;
  if (!found) {
    throw new Error(
      `${binary} is not on PATH. Install it with: sudo apt-get install -y ${debianPackage}`,
    );
  }
}

export function startProcess(
  name: string,
  binary: string,
  args: string[],
  dir: string,
): ServiceProcess {
  const log = createWriteStream(join(dir, `${name}.log`));
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signal = async (sig: NodeJS.Signals, graceMs: number): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(sig);
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };
  return {
    name,
    child,
    stop: (graceMs = 5000) => signal('SIGTERM', graceMs),
    kill: () => signal('SIGKILL', 0),
  };
}
