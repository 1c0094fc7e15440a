/**
 * The batch statements' binary array parameters (src/store/postgres/postgres-arrays.ts) read back by
 * PostgreSQL as the values written: the characters pg's array literals escape, NULLs, the edges of
 * bigint as JS numbers hold them, empty arrays. A value PostgreSQL would refuse is refused here.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { bigintArray, booleanArray, textArray } from '../../src/store/postgres/postgres-arrays.js';

const PG_URL = process.env.TIMELINE_TEST_PG_URL;

describe('PostgreSQL binary array parameters', {
  skip: PG_URL ? false : 'TIMELINE_TEST_PG_URL is not set: PostgreSQL suite skipped (set it to run)',
}, () => {
  let client: pg.Client;
  before(async () => {
    client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
  });
  after(() => client?.end());

  /** The elements PostgreSQL read, one row each, in order (as text, NULL as null). */
  async function readBack(value: Buffer, type: string): Promise<(string | null)[]> {
    const { rows } = await client.query<{ v: string | null }>(
      `SELECT v::text AS v FROM unnest($1::${type}) WITH ORDINALITY AS u(v, n) ORDER BY n`,
      [value],
    );
    return rows.map((row) => row.v);
  }

  it('text[]: quotes, backslashes, braces, commas, JSON, unicode, empty strings and NULLs', async () => {
    const values = [
      '"quoted"',
      'back\\slash',
      '{a,b}',
      'NULL',
      '',
      ' spaced ',
      JSON.stringify({ tokens: { a: 'x "y" \\ z' }, extraData: [1, { b: null }] }),
      'é ü 中文 😀',
      'tab\tnewline\n',
      null,
    ];
    assert.deepEqual(await readBack(textArray(values), 'text[]'), values);
  });

  it('bigint[]: zero, negatives, past 32 bits, the largest safe integers, epoch milliseconds', async () => {
    const values = [0, 1, -1, 2 ** 31, -(2 ** 31) - 1, 2 ** 32, 2 ** 32 + 5, -(2 ** 32) - 5, 1796016877248];
    values.push(Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER);
    assert.deepEqual(await readBack(bigintArray(values), 'bigint[]'), values.map(String));
  });

  it('boolean[] and empty arrays', async () => {
    assert.deepEqual(await readBack(booleanArray([true, false, true]), 'boolean[]'), [
      'true',
      'false',
      'true',
    ]);
    assert.deepEqual(await readBack(textArray([]), 'text[]'), []);
    assert.deepEqual(await readBack(bigintArray([]), 'bigint[]'), []);
    assert.deepEqual(await readBack(booleanArray([]), 'boolean[]'), []);
  });

  it('refuses what PostgreSQL would: a fraction or an unsafe number for bigint, an array of another type', async () => {
    assert.throws(() => bigintArray([1.5]), TypeError);
    assert.throws(() => bigintArray([2 ** 53]), TypeError);
    assert.throws(() => bigintArray([Number.NaN]), TypeError);
    await assert.rejects(
      readBack(bigintArray([1]), 'text[]'),
      /element type 20 \(bigint\) instead of expected 25 \(text\)/,
    );
  });
});
