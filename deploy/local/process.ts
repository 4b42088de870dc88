// A local service process: started from PATH, logs kept in its folder, stopped on demand.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from './wait.ts';

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
  // Its own process group: a Ctrl-C in the terminal reaches only our process, which then stops
  // the services in order instead of having them die under it.
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
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

/**
 * Starts a service and resolves once `ready` answers truthy; a service that never gets ready is
 * killed before the error goes up, so no process is left behind.
 */
export async function startReady(
  name: string,
  args: string[],
  dir: string,
  ready: () => Promise<boolean>,
  timeoutMs: number,
): Promise<ServiceProcess> {
  const proc = startProcess(name, name, args, dir);
  try {
    await waitFor(ready, { timeoutMs, what: `${name} (log: ${join(dir, `${name}.log`)})` });
    return proc;
  } catch (error) {
    await proc.kill();
    throw error;
  }
}

/** A service that can be stopped (or killed) and started again on the same ports and storage. */
export interface RestartableService {
  /** The process now running (a new one after each restart). */
  readonly process: ServiceProcess;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** `launch` starts the process and resolves once it answers; it is called again on restart. */
export async function startRestartable(launch: () => Promise<ServiceProcess>): Promise<RestartableService> {
  let current = await launch();
  return {
    get process() {
      return current;
    },
    async restart() {
      await current.stop();
      current = await launch();
    },
    stop: () => current.stop(),
  };
}
