/** Starting servers under test as child processes and waiting for their `listening on` line. */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Milliseconds from spawn to the `listening on` line. */
  startMs: number;
  stop(): Promise<void>;
}

export function startProcess(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<ServerProcess> {
  const started = performance.now();
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stopping = false;
  // The last of what the server printed, kept for the report of an exit nobody asked for.
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.once('exit', (code, signal) => {
    if (!stopping && tail.includes('listening on'))
      console.log(
        `\n!!!!!!!! ${command} ${args[0] ?? ''} exited by itself (code ${code}, signal ${signal}); its last output:\n${tail}\n`,
      );
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        child.stdout?.off('data', onData);
        resolve({
          url: match[1],
          child,
          startMs: performance.now() - started,
          stop: () =>
            new Promise((done) => {
              stopping = true;
              if (child.exitCode !== null) return done();
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) =>
      reject(new Error(`${command} exited with ${code} before listening:\n${output}`)),
    );
  });
}

/** Peak resident memory of a process in MB, read from /proc (Linux). */
export async function peakRssMb(pid: number | undefined): Promise<number | undefined> {
  if (pid === undefined) return undefined;
  try {
    const { readFile } = await import('node:fs/promises');
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /VmHWM:\s+(\d+) kB/.exec(status);
    return match?.[1] ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** A TCP port that was free a moment ago (listen on 0, read the port, close). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Spawns a server that listens on `url` and calls `probe` every `everyMs` until it answers true:
 * `startMs` is then the time from spawn to the first successful request.
 */
export async function spawnUntilReady(
  command: string,
  args: string[],
  url: string,
  probe: (url: string) => Promise<boolean>,
  { everyMs = 5, timeoutMs = 60_000 } = {},
): Promise<ServerProcess> {
  const started = performance.now();
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    if (stderr.length < 20_000) stderr += chunk.toString();
  });
  const stop = () =>
    new Promise<void>((done) => {
      if (child.exitCode !== null || child.signalCode !== null) return done();
      child.once('exit', () => done());
      child.kill('SIGTERM');
    });
  while (performance.now() - started < timeoutMs) {
    if (child.exitCode !== null)
      throw new Error(`${command} ${args.join(' ')} exited with ${child.exitCode}:\n${stderr}`);
    const ok = await probe(url).catch(() => false);
    if (ok) return { url, child, startMs: performance.now() - started, stop };
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  await stop();
  throw new Error(`${command} did not answer on ${url} within ${timeoutMs} ms:\n${stderr}`);
}
