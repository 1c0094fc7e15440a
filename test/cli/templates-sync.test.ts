/** `templates pull` and `templates push` against a real server: files, plans, idempotence, prune. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { runCli } from './cli-runner.js';

const dir = mkdtempSync(join(tmpdir(), 'templates-sync-test-'));
let server: TestServer;
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});
before(async () => {
  server = await startTestServer();
});

const templatesPath = () =>
  `/integrators/timeline/v3/${server.appId}/event-templates?hapikey=${server.apiKey}`;
const cli = (...args: string[]) =>
  runCli(args, {
    env: {
      HUBSPOT_BASE_URL: server.url,
      HUBSPOT_APP_ID: String(server.appId),
      HUBSPOT_DEVELOPER_API_KEY: server.apiKey,
    },
  });

async function listTemplates(): Promise<
  { id: string; name: string; tokens: { name: string; label: string }[] }[]
> {
  const list = await server.request('GET', templatesPath(), { token: false });
  assert.equal(list.status, 200);
  return list.json.results;
}

describe('templates pull and push', () => {
  it('pulls one stable file per template, pushes plans that apply only with --yes, then nothing; --prune archives', async () => {
    const created = await server.request('POST', templatesPath(), {
      token: false,
      body: {
        name: 'Webinar attended',
        objectType: 'contacts',
        headerTemplate: 'Attended {{title}}',
        detailTemplate: 'Stayed {{minutes}} minutes',
        tokens: [
          { name: 'title', label: 'Title', type: 'string' },
          { name: 'minutes', label: 'Minutes', type: 'number', objectPropertyName: 'webinar_minutes' },
        ],
      },
    });
    assert.equal(created.status, 201, created.text);
    const id: string = created.json.id;

    const pulled = join(dir, 'templates');
    const pull = await cli('templates', 'pull', pulled);
    assert.equal(pull.code, 0, pull.stderr);
    const files = readdirSync(pulled);
    assert.deepEqual(files, [`webinar-attended-${id}.json`]);
    const text = readFileSync(join(pulled, files[0] as string), 'utf8');
    const doc = JSON.parse(text);
    assert.deepEqual(Object.keys(doc), [
      'id',
      'name',
      'objectType',
      'headerTemplate',
      'detailTemplate',
      'tokens',
    ]);
    assert.equal(doc.id, id);
    assert.deepEqual(
      doc.tokens.map((t: { name: string }) => t.name),
      ['minutes', 'title'],
      'tokens sorted by name',
    );
    assert.equal(doc.tokens[0].objectPropertyName, 'webinar_minutes');
    assert.equal((await cli('templates', 'pull', pulled)).code, 0);
    assert.equal(
      readFileSync(join(pulled, files[0] as string), 'utf8'),
      text,
      'a second pull writes the same bytes',
    );

    const unchanged = await cli('templates', 'push', pulled);
    assert.equal(unchanged.code, 0);
    assert.match(unchanged.stdout, /nothing to change/);

    // Change a label, add a token, and add a template written by hand (no id).
    doc.tokens[1].label = 'Webinar title';
    doc.tokens.push({ name: 'host', label: 'Host', type: 'string' });
    writeFileSync(join(pulled, files[0] as string), JSON.stringify(doc));
    writeFileSync(
      join(pulled, 'trial.json'),
      JSON.stringify({
        name: 'Trial started',
        headerTemplate: 'Trial of {{product}}',
        tokens: [
          { name: 'product', label: 'Product', type: 'enumeration', options: [{ label: 'A', value: 'a' }] },
        ],
      }),
    );
    const plan = await cli('templates', 'push', pulled);
    assert.equal(plan.code, 0, plan.stderr);
    assert.match(plan.stdout, new RegExp(`~ update ${id} "Webinar attended"`));
    assert.match(plan.stdout, /token ~title: label "Title" -> "Webinar title"/);
    assert.match(plan.stdout, /token \+host \(string\)/);
    assert.match(plan.stdout, /\+ create "Trial started" \(contacts, 1 tokens\)/);
    assert.match(plan.stdout, /not applied: run the same command with --yes/);
    assert.equal((await listTemplates()).length, 1, 'without --yes nothing changes');

    const applied = await cli('templates', 'push', pulled, '--yes');
    assert.equal(applied.code, 0, applied.stderr);
    const after = await listTemplates();
    assert.equal(after.length, 2);
    const webinar = after.find((t) => t.id === id);
    assert.deepEqual(webinar?.tokens.map((t) => `${t.name}:${t.label}`).sort(), [
      'host:Host',
      'minutes:Minutes',
      'title:Webinar title',
    ]);

    const second = await cli('templates', 'push', pulled, '--yes');
    assert.equal(second.code, 0);
    assert.match(second.stdout, /nothing to change: .* \(2 templates\)/);

    // Without the hand-written file, --prune archives its template.
    rmSync(join(pulled, 'trial.json'));
    const keep = await cli('templates', 'push', pulled, '--yes');
    assert.match(keep.stdout, /nothing to change/, 'without --prune a template with no file stays');
    const prune = await cli('templates', 'push', pulled, '--prune', '--yes');
    assert.equal(prune.code, 0, prune.stderr);
    assert.match(prune.stdout, /- archive \d+ "Trial started"/);
    assert.deepEqual(
      (await listTemplates()).map((t) => t.id),
      [id],
    );
    assert.match((await cli('templates', 'push', pulled, '--prune')).stdout, /nothing to change/);
  });

  it('refuses a change HubSpot cannot make, saying how to fix it', async () => {
    const pulled = join(dir, 'conflict');
    assert.equal((await cli('templates', 'pull', pulled)).code, 0);
    const [file] = readdirSync(pulled);
    const doc = JSON.parse(readFileSync(join(pulled, file as string), 'utf8'));
    doc.objectType = 'companies';
    writeFileSync(join(pulled, file as string), JSON.stringify(doc));
    const push = await cli('templates', 'push', pulled, '--yes');
    assert.equal(push.code, 1);
    assert.match(push.stdout, /cannot change objectType; remove "id" from the file/);
    assert.match(push.stderr, /fix: /);
  });

  it('refuses two files for one template, applying neither', async () => {
    const twins = join(dir, 'twins');
    mkdirSync(twins);
    const doc = { name: 'Twin', objectType: 'contacts', headerTemplate: 'a', tokens: [] };
    writeFileSync(join(twins, 'a.json'), JSON.stringify(doc));
    writeFileSync(join(twins, 'b.json'), JSON.stringify({ ...doc, headerTemplate: 'b' }));
    const push = await cli('templates', 'push', twins, '--yes');
    assert.equal(push.code, 1, push.stderr);
    assert.match(push.stdout, /b\.json.*a\.json already stands for the template named "Twin" \(contacts\)/s);
    assert.equal((await listTemplates()).filter((t) => t.name === 'Twin').length, 0);

    // A pulled file (with its id) and a hand-written one of the same name; two files with one id.
    const mixed = join(dir, 'mixed');
    mkdirSync(mixed);
    writeFileSync(join(mixed, 'pulled.json'), JSON.stringify({ ...doc, id: '999999' }));
    writeFileSync(join(mixed, 'signup.json'), JSON.stringify(doc));
    writeFileSync(join(mixed, 'copy.json'), JSON.stringify({ ...doc, name: 'Copy', id: '999999' }));
    const mixedPush = await cli('templates', 'push', mixed);
    assert.equal(mixedPush.code, 1, mixedPush.stderr);
    assert.match(
      mixedPush.stdout,
      /signup\.json.*pulled\.json already stands for the template named "Twin"/s,
    );
    assert.match(
      mixedPush.stdout,
      /cannot apply pulled\.json: copy\.json has the same "id" 999999: delete one of the two files, or remove "id"/,
    );
  });

  it('says where a push stopped when a change fails, and the next push finishes without repeating', async () => {
    const partial = join(dir, 'partial');
    mkdirSync(partial);
    const doc = (name: string, headerTemplate: string) =>
      JSON.stringify({ name, objectType: 'contacts', headerTemplate, tokens: [] });
    writeFileSync(join(partial, 'a.json'), doc('Partial 1', 'one'));
    writeFileSync(join(partial, 'b.json'), doc('Partial 2', '{{#if}}'));
    writeFileSync(join(partial, 'c.json'), doc('Partial 3', 'three'));
    const push = await cli('templates', 'push', partial, '--yes');
    assert.equal(push.code, 1, push.stderr);
    assert.match(push.stdout, /created \d+ "Partial 1"/);
    assert.match(
      push.stderr,
      /creating template 'Partial 2' failed: 400 .*\npush stopped after 1 of 3 changes; 1 not tried\n {2}fix: .*the next push plans again/s,
    );
    writeFileSync(join(partial, 'b.json'), doc('Partial 2', 'two'));
    const again = await cli('templates', 'push', partial, '--yes');
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /applied 2 changes/);
    const names = (await listTemplates()).map((t) => t.name).filter((n) => n.startsWith('Partial'));
    assert.deepEqual(names.sort(), ['Partial 1', 'Partial 2', 'Partial 3']);
  });
});
