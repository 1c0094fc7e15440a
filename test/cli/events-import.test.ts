/**
 * `timeline-server events import` as a user runs it, against a real server: mixed files, injected
 * 429s and 503s (through a proxy until the server's fault controls land), a SIGKILL mid-way, CSV
 * with a mapping, a JSON array. "Stored exactly once" is checked by reading every expected event
 * back by its id and by a further run that must create nothing.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stableEventId } from '../../src/cli/import/stable-id.js';
import { createTemplate } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import {
  collect,
  rateLimited,
  runCli,
  serverFlags,
  startCli,
  startProxy,
  unavailable,
} from './cli-runner.js';

const dir = mkdtempSync(join(tmpdir(), 'events-import-test-'));
let server: TestServer;
let templateId: string;

before(async () => {
  server = await startTestServer();
  templateId = await createTemplate(server);
});
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The summary line's numbers. */
function summary(stdout: string): Record<string, number> {
  const line = stdout.split('\n').find((l) => l.startsWith('read '));
  assert.ok(line, `no summary line in:\n${stdout}`);
  const numbers: Record<string, number> = {};
  for (const [, name, value] of line.matchAll(/(read|created|already present|rejected|retried) (\d+)/g)) {
    numbers[name as string] = Number(value);
  }
  assert.match(line, /elapsed \d+\.\ds, \d+ events\/s$/);
  const resumed = /\((\d+) before --resume, (\d+) by this run\)/.exec(line);
  if (resumed) [numbers.before, numbers['this run']] = [Number(resumed[1]), Number(resumed[2])];
  return numbers;
}

async function getEvent(id: string) {
  return server.request('GET', `/integrators/timeline/v3/events/${templateId}/${encodeURIComponent(id)}`);
}

function rejectLines(
  path: string,
): { line: number; event?: Record<string, unknown>; error: { source: string; message: string } }[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l));
}

describe('events import', () => {
  it('stores exactly the valid events of a mixed file once, through 429s and 503s, and rejects the rest', async () => {
    const lines: string[] = [];
    const valid = new Map<number, Record<string, unknown>>();
    const invalid = new Set<number>();
    for (let i = 1; i <= 60; i += 1) {
      const line = lines.length + 1;
      if (i % 10 === 3) {
        lines.push(
          JSON.stringify({
            eventTemplateId: templateId,
            email: `bad${i}@example.com`,
            tokens: { tier: 'gold' },
          }),
        );
        invalid.add(line);
      } else if (i % 10 === 6) {
        // Passes the local check; only the server knows the record does not exist.
        lines.push(
          JSON.stringify({ eventTemplateId: templateId, objectId: '987654321', tokens: { tier: 'paid' } }),
        );
        invalid.add(line);
      } else if (i % 20 === 9) {
        lines.push('{"eventTemplateId": "oops", ');
        invalid.add(line);
      } else if (i % 20 === 19) {
        lines.push(JSON.stringify({ email: `nobody${i}@example.com`, tokens: {} }));
        invalid.add(line);
      } else {
        const event: Record<string, unknown> = {
          eventTemplateId: templateId,
          email: `user${i}@example.com`,
          tokens: { tier: i % 2 ? 'paid' : 'free', seats: i },
        };
        if (i % 7 === 0) event.id = `given-${i}`;
        lines.push(JSON.stringify(event));
        valid.set(line, event);
      }
      if (i % 25 === 0) lines.push(''); // blank lines are skipped
    }
    const file = join(dir, 'mixed.ndjson');
    writeFileSync(file, `${lines.join('\n')}\n`);

    let batches = 0;
    const proxy = await startProxy(server.url, ({ method, path }) => {
      if (method !== 'POST' || !path.endsWith('/events/batch/create')) return { kind: 'forward' };
      batches += 1;
      if (batches === 2) return rateLimited();
      if (batches === 4) return unavailable();
      if (batches === 6) return { kind: 'forwardThenFail' };
      return { kind: 'forward' };
    });
    const rejects = join(dir, 'mixed.rejects.ndjson');
    const run = await runCli([
      'events',
      'import',
      file,
      ...serverFlags(server, proxy.url),
      '--batch-size',
      '5',
      '--concurrency',
      '2',
      '--rejects',
      rejects,
    ]);
    await proxy.close();

    assert.equal(run.code, 1, `exit 1 because events were rejected\n${run.stdout}${run.stderr}`);
    const counts = summary(run.stdout);
    assert.equal(counts.read, valid.size + invalid.size);
    assert.equal(counts.rejected, invalid.size);
    assert.equal((counts.created ?? 0) + (counts['already present'] ?? 0), valid.size);
    assert.ok(
      (counts['already present'] ?? 0) > 0,
      'the batch whose answer was lost comes back as already present',
    );
    assert.ok((counts.retried ?? 0) >= 3, `a 429, a 503 and a lost answer were retried: ${run.stdout}`);

    const rejected = rejectLines(rejects);
    assert.deepEqual(
      rejected.map((r) => r.line).sort((a, b) => a - b),
      [...invalid].sort((a, b) => a - b),
    );
    for (const reject of rejected) {
      assert.ok(reject.error.message.length > 0);
      assert.ok(['input', 'local', 'server'].includes(reject.error.source));
    }
    assert.ok(rejected.some((r) => r.error.source === 'server' && /987654321/.test(r.error.message)));
    assert.ok(rejected.some((r) => r.error.source === 'local' && /gold/.test(r.error.message)));

    for (const [line, event] of valid) {
      const id = (event.id as string | undefined) ?? stableEventId('mixed.ndjson', line);
      const stored = await getEvent(id);
      assert.equal(stored.status, 200, `line ${line} (${id}) is stored`);
      assert.equal(stored.json.tokens.seats, String((event.tokens as { seats: number }).seats));
    }

    // Re-running the file creates nothing: every valid event is already there.
    const again = await runCli(['events', 'import', file, ...serverFlags(server), '--rejects', rejects]);
    const second = summary(again.stdout);
    assert.equal(second.created, 0);
    assert.equal(second['already present'], valid.size);
    assert.equal(second.rejected, invalid.size);
  });

  it('re-run after a SIGKILL mid-way stores every event exactly once', async () => {
    const total = 300;
    const file = join(dir, 'killed.ndjson');
    const events = Array.from({ length: total }, (_, i) => ({
      eventTemplateId: templateId,
      email: `killed${i % 40}@example.com`,
      tokens: { seats: i },
    }));
    writeFileSync(file, `${events.map((e) => JSON.stringify(e)).join('\n')}\n`);

    let forwarded = 0;
    let killed: () => void = () => {};
    const proxy = await startProxy(server.url, ({ path }) => {
      if (!path.endsWith('/events/batch/create')) return { kind: 'forward' };
      forwarded += 1;
      if (forwarded === 8) killed();
      return { kind: 'forward', delayMs: 100 };
    });
    const child = startCli([
      'events',
      'import',
      file,
      ...serverFlags(server, proxy.url),
      '--batch-size',
      '10',
      '--concurrency',
      '2',
    ]);
    killed = () => child.kill('SIGKILL');
    const first = await collect(child);
    await proxy.close();
    assert.equal(first.code, null, 'killed by the signal');
    const checkpoint = JSON.parse(readFileSync(`${file}.checkpoint.json`, 'utf8'));
    assert.ok(
      checkpoint.position > 0 && checkpoint.position < total,
      `the checkpoint stops part way: ${checkpoint.position}`,
    );

    const resumed = await runCli(['events', 'import', file, ...serverFlags(server), '--resume']);
    assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
    const counts = summary(resumed.stdout);
    assert.equal(counts.before, checkpoint.position, 'what the checkpoint had done is not read again');
    assert.equal((counts.before ?? 0) + (counts['this run'] ?? 0), total);
    assert.equal(counts.read, total, 'the counts are of the whole import');
    assert.equal((counts.created ?? 0) + (counts['already present'] ?? 0), total);
    assert.equal(counts.rejected, 0);

    for (let line = 1; line <= total; line += 1) {
      const stored = await getEvent(stableEventId('killed.ndjson', line));
      assert.equal(stored.status, 200, `line ${line}`);
      assert.equal(stored.json.tokens.seats, String(line - 1));
    }
    // A full re-run without --resume finds all of them there and creates none.
    const full = summary((await runCli(['events', 'import', file, ...serverFlags(server)])).stdout);
    assert.deepEqual([full.created, full['already present'], full.rejected], [0, total, 0]);
  });

  it('reads CSV with --map, quoted cells and a default template', async () => {
    const file = join(dir, 'signups.csv');
    writeFileSync(
      file,
      [
        'Email,Tier,Seats,Signed up,Campaign,Notes',
        'ada@example.com,paid,3,2024-01-02T03:04:05Z,"Spring, 2024",first',
        'grace@example.com,free,,1704164645000,"Two\nlines",',
        'linus@example.com,platinum,1,,x,',
      ].join('\r\n'),
    );
    const run = await runCli([
      'events',
      'import',
      file,
      ...serverFlags(server),
      '--event-template-id',
      templateId,
      '--map',
      'Email=email',
      '--map',
      'Tier=tokens.tier',
      '--map',
      'Seats=tokens.seats',
      '--map',
      'Signed up=timestamp',
      '--map',
      'Campaign=extraData.campaign.name',
    ]);
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stdout, /CSV columns not imported: Notes/);
    const counts = summary(run.stdout);
    assert.deepEqual([counts.read, counts.created, counts.rejected], [3, 2, 1]);

    const ada = await getEvent(stableEventId('signups.csv', 2));
    assert.equal(ada.status, 200);
    assert.equal(ada.json.email, 'ada@example.com');
    assert.deepEqual(ada.json.tokens, { tier: 'paid', seats: '3' });
    assert.equal(ada.json.timestamp, '2024-01-02T03:04:05.000Z');
    assert.deepEqual(ada.json.extraData, { campaign: { name: 'Spring, 2024' } });
    const grace = await getEvent(stableEventId('signups.csv', 4));
    assert.equal(grace.status, 200, 'the record spanning lines 3-4 is numbered by the line it ends on');
    assert.deepEqual(grace.json.tokens, { tier: 'free' });
    assert.deepEqual(grace.json.extraData, { campaign: { name: 'Two\nlines' } });
    const [linus] = rejectLines(`${file}.rejects.ndjson`);
    assert.equal(linus?.line, 5);
    assert.match(linus?.error.message ?? '', /platinum/);
  });

  it('reads a JSON array on one line from stdin, numbering events by element', async () => {
    const array = [1, 2, 3].map((n) => ({
      eventTemplateId: templateId,
      email: `array${n}@example.com`,
      tokens: { seats: n },
    }));
    const checkpoint = join(dir, 'stdin.checkpoint.json');
    const run = await runCli(
      [
        'events',
        'import',
        '-',
        '--format',
        'json',
        ...serverFlags(server),
        '--id-source',
        'array-batch',
        '--checkpoint',
        checkpoint,
        '--rejects',
        join(dir, 'stdin.rejects'),
      ],
      {
        stdin: JSON.stringify(array),
      },
    );
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(summary(run.stdout).created, 3);
    for (const n of [1, 2, 3]) assert.equal((await getEvent(stableEventId('array-batch', n))).status, 200);
  });
});
