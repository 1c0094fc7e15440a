/**
 * `timeline-server events import` end to end: generates --events events as NDJSON (each with
 * tokens, one stamped onto the contact, and extraData; emails from a pool of --pool), starts our
 * server on a fresh SQLite file, and runs the real command against it. Prints the command's events/s
 * and its peak resident memory (VmHWM, sampled from /proc while it runs), which must stay flat
 * whatever the file size; and checks the summary says every event was created.
 *
 *   npm run build && node dist/bench/import.js [--events 100000] [--batch-size 500] [--concurrency 4] [--pool 100000]
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchArgs } from './lib/args.js';
import { benchEvent } from './lib/bodies.js';
import { ACCESS_TOKEN, API_KEY, APP_ID, createTemplate, startOurs } from './lib/ours.js';

const args = benchArgs(
  import.meta.url,
  'The import command against a running server: events/s of `timeline-server events import`.',
  {
    events: { type: 'string', default: '100000' },
    'batch-size': { type: 'string', default: '500' },
    concurrency: { type: 'string', default: '4' },
    pool: { type: 'string', default: '100000' },
  },
);
const total = Number(args.events);
const ENTRY = join(import.meta.dirname, '..', 'src', 'cli', 'main.js');

async function writeEvents(file: string, templateId: string): Promise<void> {
  const out = createWriteStream(file);
  for (let i = 0; i < total; i += 1) {
    if (!out.write(`${JSON.stringify(benchEvent(templateId, Number(args.pool), 'import'))}\n`))
      await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/** Peak and current resident memory of a process, in MB, from /proc (Linux). */
async function memory(pid: number): Promise<{ peak: number; now: number } | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const peak = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
    const now = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    return peak && now ? { peak: Number(peak) / 1024, now: Number(now) / 1024 } : undefined;
  } catch {
    return undefined;
  }
}

const dir = mkdtempSync(join(tmpdir(), 'bench-import-'));
const server = await startOurs(join(dir, 'timeline.db'));
try {
  const templateId = await createTemplate(server.url);
  const file = join(dir, 'events.ndjson');
  const generating = performance.now();
  await writeEvents(file, templateId);
  const mb = statSync(file).size / 1024 / 1024;
  console.log(
    `generated ${total} events (${mb.toFixed(0)} MB NDJSON) in ${((performance.now() - generating) / 1000).toFixed(1)}s`,
  );

  const started = performance.now();
  const child = spawn(
    process.execPath,
    [
      ENTRY,
      'events',
      'import',
      file,
      '--base-url',
      server.url,
      '--access-token',
      ACCESS_TOKEN,
      '--app-id',
      String(APP_ID),
      '--developer-api-key',
      API_KEY,
      '--batch-size',
      String(args['batch-size']),
      '--concurrency',
      String(args.concurrency),
      '--progress-interval',
      '10',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    process.stdout.write(chunk);
  });
  let peak = 0;
  const samples: number[] = [];
  const sampler = setInterval(async () => {
    const m = child.pid === undefined ? undefined : await memory(child.pid);
    if (m) {
      peak = Math.max(peak, m.peak);
      samples.push(m.now);
    }
  }, 250);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearInterval(sampler);
  const seconds = (performance.now() - started) / 1000;
  const created = Number(/^read \d+, created (\d+)/m.exec(output)?.[1] ?? Number.NaN);
  const quarter = samples[Math.floor(samples.length / 4)] ?? 0;
  const last = samples[samples.length - 1] ?? 0;
  console.log(`\n${total} events, batch ${args['batch-size']}, concurrency ${args.concurrency}`);
  console.log(
    `import: ${seconds.toFixed(1)}s wall, ${Math.round(total / seconds)} events/s (including start-up)`,
  );
  console.log(
    `CLI peak RSS (VmHWM): ${peak.toFixed(0)} MB; RSS at 1/4 of the run ${quarter.toFixed(0)} MB, at the end ${last.toFixed(0)} MB`,
  );
  if (code !== 0 || created !== total) {
    console.error(`FAILED: exit ${code}, created ${created} of ${total}`);
    process.exitCode = 1;
  }
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
