/**
 * Seeding from a JSON fixture: the example in examples/, all or nothing with every invalid entry
 * named by its path, the provisioned portal and app as defaults, `serve --seed` and the `seed` command.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client } from '@hubspot/api-client';
import { PREFIXES } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const EXAMPLE = join(ROOT, 'examples', 'fixture.json');
const ENTRY = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const API = PREFIXES[0];

let server: TestServer;
let admin: string;
before(async () => {
  server = await startTestServer();
  admin = server.credentials.adminToken;
});
after(() => server.close());

describe('seed', () => {
  it('loads the example fixture: what it answers is there through the public API and the official client', async () => {
    await server.request('POST', '/_admin/v1/reset', { token: admin });
    const fixture = JSON.parse(readFileSync(EXAMPLE, 'utf8'));
    const seeded = await server.request('POST', '/_admin/v1/seed', { token: admin, body: fixture });
    assert.equal(seeded.status, 201, seeded.text);
    const [template] = seeded.json.templates;
    assert.equal(template.ref, 'webinar');
    assert.equal(seeded.json.events.length, 2);
    assert.equal(seeded.json.records.length, 2);
    const client = new Client({
      basePath: server.url,
      accessToken: 'example-access-token',
      developerApiKey: 'example-developer-key',
      numberOfApiCallRetries: 0,
    });
    const stored = await client.crm.timeline.templatesApi.getById(template.id, 3400001);
    assert.equal(stored.name, 'Webinar registration');
    const event = await client.crm.timeline.eventsApi.getById(template.id, 'ada-intro');
    assert.equal(event.tokens.webinarName, 'Intro');
    const contact = await server.request(
      'GET',
      '/crm/v3/objects/contacts/ada@example.com?idProperty=email&properties=last_webinar,firstname',
      {
        token: 'example-access-token',
      },
    );
    assert.equal(contact.json.properties.firstname, 'Ada');
    assert.equal(contact.json.properties.last_webinar, 'Intro', 'the stamped property');
    const rendered = await server.request('GET', `${API}/events/${template.id}/ada-intro/render`, {
      token: 'example-access-token',
    });
    assert.match(rendered.text, /Registered for/);
    const limited = await server.request('GET', '/crm/v3/objects/contacts', {
      token: 'example-access-token',
    });
    assert.equal(limited.status, 200);
    const portal = await server.request('PUT', '/_admin/v1/portals/3300001', { token: admin, body: {} });
    assert.equal(portal.json.timeZone, 'America/New_York');
    assert.equal(portal.json.rateLimit, 'professional');
  });

  it('refuses an invalid fixture whole, naming every invalid entry by its path, storing nothing', async () => {
    const fixture = {
      templates: [
        { ref: 'good', name: 'Fine', tokens: [{ name: 'plan', label: 'Plan', type: 'string' }] },
        { ref: 'bad', name: '', tokens: [{ name: 'x', label: 'X', type: 'colour' }] },
        { ref: 'good', name: 'Twice' },
      ],
      records: [{ objectType: 'planets', properties: { name: 'Mars' } }],
      events: [
        { template: 'good', email: 'not-an-email', tokens: { plan: 'pro' } },
        { template: 'missing', email: 'a@example.com' },
        { template: 'good', email: 'ok@example.com', tokens: { plan: 'pro' } },
      ],
      extras: [],
    };
    const response = await server.request('POST', '/_admin/v1/seed', { token: admin, body: fixture });
    assert.equal(response.status, 400, response.text);
    assert.equal(response.json.category, 'VALIDATION_ERROR');
    const where = response.json.errors.map((e: { in: string }) => e.in);
    for (const expected of [
      'extras',
      'templates[1].name',
      'templates[1].tokens[0].type',
      'templates[2].ref',
      'records[0].objectType',
      'events[0].email',
      'events[1].template',
    ]) {
      assert.ok(where.includes(expected), `${expected} in ${where.join(', ')}`);
    }
    const templates = await server.request(
      'GET',
      `${API}/${server.appId}/event-templates?hapikey=${server.apiKey}`,
      {
        token: false,
      },
    );
    assert.ok(
      !templates.json.results.some((t: { name: string }) => t.name === 'Fine'),
      'the valid template was not stored either',
    );
    const contact = await server.request('GET', '/crm/v3/objects/contacts/ok@example.com?idProperty=email');
    assert.equal(contact.status, 404);
  });

  it('defaults entries to the provisioned portal and app', async () => {
    const response = await server.request('POST', '/_admin/v1/seed', {
      token: admin,
      body: {
        templates: [
          { ref: 'signup', name: 'Signup', tokens: [{ name: 'plan', label: 'Plan', type: 'string' }] },
        ],
        events: [
          { template: 'signup', id: 'default-1', email: 'default@example.com', tokens: { plan: 'pro' } },
        ],
      },
    });
    assert.equal(response.status, 201, response.text);
    assert.equal(response.json.templates[0].appId, server.appId);
    const event = await server.request('GET', `${API}/events/${response.json.templates[0].id}/default-1`);
    assert.equal(event.status, 200);
  });
});

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [ENTRY, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('seed from the command line', () => {
  it('`timeline-server seed FILE --url --admin-token` loads a fixture into a running server', async () => {
    await server.request('POST', '/_admin/v1/reset', { token: admin });
    const result = await run(['seed', EXAMPLE, '--url', server.url, '--admin-token', admin]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(JSON.parse(result.stdout).templates[0].ref, 'webinar');
    const wrong = await run(['seed', EXAMPLE, '--url', server.url, '--admin-token', 'nope']);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /401/);
  });

  it('`serve --seed FILE` starts with the fixture loaded; an invalid one stops it, naming each entry', async () => {
    const served = spawn(
      process.execPath,
      [ENTRY, 'serve', '--port', '0', '--db', ':memory:', '--seed', EXAMPLE, '--log-level', 'silent'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        served.stdout.on('data', (chunk) => {
          out += chunk;
          const match = /listening on (\S+)/.exec(out);
          if (match?.[1]) resolve(match[1]);
        });
        served.on('exit', (code) => reject(new Error(`exited ${code}`)));
      });
      const contacts = await fetch(`${url}/crm/v3/objects/contacts`, {
        headers: { authorization: 'Bearer example-access-token' },
      });
      assert.equal(((await contacts.json()) as { results: unknown[] }).results.length, 2);
    } finally {
      served.kill('SIGTERM');
    }
    const bad = join(ROOT, 'package.json');
    const refused = await run(['serve', '--port', '0', '--db', ':memory:', '--seed', bad]);
    // An invalid fixture is the user's input to fix: a usage error (exit 2), like any bad setting.
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /invalid entries/);
    assert.match(refused.stderr, /name is not a field this takes; use portals, developerAccounts/);
  });
});
