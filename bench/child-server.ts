import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { stopProcess } from '../test/support/worker-process.ts';

// An HTTP server a benchmark runs in its own process (as an operator runs it), so that the benchmark's
// own work never shares the server's event loop.

export interface ChildServer {
  name: string;
  base: string;
  child: ChildProcess;
}

/** The server did not come up: exited or never answered. Its process is already stopped. */
export class ChildServerFailure extends Error {}

/**
 * Starts `command` with PORT set to a free port and waits until `readyPath` answers 2xx (60 s at most).
 * The caller stops it with `stopProcess(server.child)`.
 */
export async function startChildServer(
  name: string,
  [command, ...args]: string[],
  { env, readyPath }: { env: NodeJS.ProcessEnv; readyPath: string },
): Promise<ChildServer> {
  const port = await freePort();
  const child = spawn(command!, args, { env: { ...env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'inherit'] });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new ChildServerFailure(`the ${name} server exited with code ${child.exitCode} while starting`);
    const ready = await fetch(`${base}${readyPath}`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return { name, base, child };
    await new Promise((r) => setTimeout(r, 200));
  }
  await stopProcess(child);
  throw new ChildServerFailure(`the ${name} server was not ready within 60 s`);
}

/** A port nothing listens on now, for a server that takes its port from the environment. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
