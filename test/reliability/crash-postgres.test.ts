/**
 * Crash safety on PostgreSQL: the real server SIGKILLed during sustained ingestion, again
 * and again, on one fresh schema; PostgreSQL rolls back what the dead process had not committed.
 * After each kill no probe event may be half-written; after each restart every event acknowledged
 * before the kill reads back identical. See crash-cycles.ts.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { type ScratchSchema, scratchSchema } from '../helpers/scratch-schema.js';
import { killCount, runCrashCycles } from './crash-cycles.js';
import { readPostgresProbe } from './postgres-probe.js';

const PG_URL = process.env.TIMELINE_TEST_PG_URL;
const SKIP = PG_URL
  ? false
  : 'TIMELINE_TEST_PG_URL is not set: the PostgreSQL crash test is skipped (set it to run)';

describe('crash safety on PostgreSQL', () => {
  let schema: ScratchSchema | undefined;
  after(async () => schema?.drop());

  it('survives SIGKILL at random moments of sustained ingestion, losing nothing acknowledged', {
    skip: SKIP,
    timeout: 60_000 + killCount() * 15_000,
  }, async () => {
    const scratch = await scratchSchema(PG_URL as string, 'crash');
    schema = scratch;
    const report = await runCrashCycles({
      label: 'PostgreSQL',
      db: scratch.url(),
      readStored: () => readPostgresProbe(scratch),
    });
    assert.ok(report.kills >= killCount(), `${report.kills} kills`);
    assert.ok(report.acknowledged > 0, 'some events were acknowledged');
    assert.deepEqual(report.problems, []);
  });
});
