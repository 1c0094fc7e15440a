/** The import readers on their own: chunk boundaries, line numbers, CSV mapping rules. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mappingFor, parseMapFlags, rowToEvent } from '../../src/cli/input/csv-mapping.js';
import { readCsv } from '../../src/cli/input/csv-reader.js';
import type { InputRecord } from '../../src/cli/input/input-record.js';
import { readJsonArray } from '../../src/cli/input/json-array-reader.js';
import { readNdjson } from '../../src/cli/input/ndjson-reader.js';

/** The text cut into chunks of `size` bytes, as a stream would deliver it (multi-byte characters split). */
async function* chunks(text: string, size: number): AsyncGenerator<Buffer> {
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function all(records: AsyncGenerator<InputRecord>): Promise<InputRecord[]> {
  const out: InputRecord[] = [];
  for await (const record of records) out.push(record);
  return out;
}

describe('import readers', () => {
  it('NDJSON: line numbers survive blank lines, CRLF and chunk splits inside characters', async () => {
    const text = '{"a":"é€"}\r\n\n  \nnot json\n{"b":2}';
    for (const size of [1, 2, 3, 7, 1000]) {
      const counter = { bytes: 0 };
      const records = await all(readNdjson(chunks(text, size), counter));
      assert.deepEqual(
        records.map((r) => [r.line, r.value ?? r.parseError?.slice(0, 18)]),
        [
          [1, { a: 'é€' }],
          [4, 'line 4 is not JSON'],
          [5, { b: 2 }],
        ],
        `chunks of ${size}`,
      );
      assert.equal(counter.bytes, Buffer.byteLength(text));
    }
  });

  it('JSON array: elements with nested brackets and escaped quotes, split anywhere', async () => {
    const text = '\uFEFF[\n {"s": "a]\\"},[", "n": [1, {"x": "}"}]},\n 42, "str", null,\n {"bad": }\n]\n';
    for (const size of [1, 5, 1000]) {
      const records = await all(readJsonArray(chunks(text, size), { bytes: 0 }));
      assert.deepEqual(
        records.map((r) => [r.position, r.line, r.parseError === undefined ? r.value : 'error']),
        [
          [1, 2, { s: 'a]"},[', n: [1, { x: '}' }] }],
          [2, 3, 42],
          [3, 3, 'str'],
          [4, 3, null],
          [5, 4, 'error'],
        ],
        `chunks of ${size}`,
      );
    }
  });

  it('CSV: a row with more or fewer cells than the header is an error of its line, not a guess', async () => {
    const text =
      'email,tokens.plan,tokens.seats\na@example.com,pro,1\nb@example.com,pro,1,extra\nc@example.com,pro\n"d,@example.com",pro,2\n';
    const records = await all(readCsv(chunks(text, 7), { bytes: 0 }, new Map(), () => {}));
    assert.deepEqual(
      records.map((r) => [r.line, r.parseError ?? (r.value as { email: string }).email]),
      [
        [2, 'a@example.com'],
        [
          3,
          'line 3: 4 cells, but the header has 3 columns (quote a cell that holds a comma; leave an empty cell empty between its commas)',
        ],
        [
          4,
          'line 4: 2 cells, but the header has 3 columns (quote a cell that holds a comma; leave an empty cell empty between its commas)',
        ],
        [5, 'd,@example.com'],
      ],
    );
  });

  it('JSON array: a cut-short file is an error, not a silent end', async () => {
    await assert.rejects(all(readJsonArray(chunks('[{"a":1},{"b":', 4), { bytes: 0 })), /ends early/);
    await assert.rejects(all(readJsonArray(chunks('{"a":1}', 4), { bytes: 0 })), /must start with '\['/);
  });

  it('CSV mapping: explicit maps, same-named columns, left-out columns, nested extraData', () => {
    const explicit = parseMapFlags([
      'E-mail=email',
      'Plan=tokens.plan',
      'Source=extraData.origin.name',
      'tokens.skip=',
    ]);
    const { mapping, ignored } = mappingFor(
      ['E-mail', 'Plan', 'Source', 'timestamp', 'tokens.skip', 'Other'],
      explicit,
    );
    assert.deepEqual(ignored, ['tokens.skip', 'Other']);
    assert.deepEqual(
      rowToEvent(
        {
          'E-mail': 'a@b.c',
          Plan: 'pro',
          Source: 'ads',
          timestamp: '1700000000000',
          'tokens.skip': 'x',
          Other: 'y',
        },
        mapping,
      ),
      {
        email: 'a@b.c',
        tokens: { plan: 'pro' },
        extraData: { origin: { name: 'ads' } },
        timestamp: '1700000000000',
      },
    );
    assert.deepEqual(
      rowToEvent({ 'E-mail': '', Plan: '' }, mapping),
      { tokens: {} },
      'empty cells are absent fields',
    );
    assert.throws(() => parseMapFlags(['novalue']), /is not column=field/);
    assert.throws(() => parseMapFlags(['a=tokens.bad name']), /not an event field/);
    assert.throws(() => mappingFor(['x'], parseMapFlags(['y=email'])), /does not have/);
  });
});
