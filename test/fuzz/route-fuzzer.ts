/**
 * Property-based fuzzing of every route with fast-check: a generated request picks a
 * route from Fastify's own route table (so a route added later is fuzzed too), fills its path
 * parameters with known ids or hostile text, adds a query, credentials, a content type and a body
 * (a route's valid body with one value replaced, any JSON, text, invalid UTF-8 or a deep nest), and
 * sends it in process with `app.inject`. The property: no 5xx, no hang, and every 4xx is HubSpot's
 * JSON envelope naming the problem, except where a route is documented to answer otherwise
 * (`answerIsAcceptable`). Seeded: the same seed replays the same requests.
 */

import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { API_VERSIONS, type ApiKind, versionsOf } from '../../src/domain/api-versions.js';
import type { RouteEntry } from '../../src/http/app.js';
import type { FuzzWorld } from './fuzz-world.js';

export interface FuzzRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
  /** The route it was built from (`METHOD /pattern`), for reports. */
  route: string;
}

/** Strings that break naive code: NUL, control characters, lone surrogates, markup, huge, numeric. */
const hostileText = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '\u0001\u0002\u001b[31m\u007f',
    '\ud800',
    '\udfff\ud800',
    '<script>alert(1)</script>',
    '{{constructor.constructor}}',
    '__proto__',
    'constructor',
    'prototype',
    '../../etc/passwd',
    '%00',
    '1e309',
    '-0',
    '9007199254740993',
    'x'.repeat(70_000),
    'é'.repeat(300),
  ),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
);

const jsonScalar = fc.oneof(
  hostileText,
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -1, 2 ** 53, 1e308, true, false, null),
);

/** A value to put in place of a valid one: anything JSON can hold, prototype keys included. */
const replacement: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: jsonScalar },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      JSON.parse('{"__proto__": {"polluted": "yes"}}'),
      JSON.parse('{"constructor": {"prototype": {"polluted": "yes"}}}'),
      { prototype: { polluted: 'yes' } },
      [],
      {},
      Array.from({ length: 2000 }, (_, i) => i),
    ),
  },
);

/** Every path to a value inside `value` (the root is `[]`). */
function pathsOf(value: unknown, path: (string | number)[] = [], out: (string | number)[][] = []) {
  out.push(path);
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) pathsOf(item, [...path, index], out);
  } else if (typeof value === 'object' && value !== null)
    for (const [key, item] of Object.entries(value)) pathsOf(item, [...path, key], out);
  return out;
}

/** A copy of `value` with the value at `path` replaced, or removed when `remove`. */
function replaced(value: unknown, path: (string | number)[], next: unknown, remove: boolean): unknown {
  if (path.length === 0) return next;
  const copy: unknown = structuredClone(value);
  let parent = copy as Record<string | number, unknown>;
  for (const part of path.slice(0, -1)) parent = parent[part] as Record<string | number, unknown>;
  const last = path.at(-1) as string | number;
  if (remove && !Array.isArray(parent)) delete parent[last];
  else
    Object.defineProperty(parent, last, {
      value: next,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  return copy;
}

function mutatedJson(valid: unknown) {
  const paths = pathsOf(valid);
  return fc
    .tuple(fc.nat({ max: paths.length - 1 }), replacement, fc.boolean(), fc.boolean())
    .map(([index, next, remove, duplicateKey]) => {
      const text = JSON.stringify(replaced(valid, paths[index] ?? [], next, remove));
      // A duplicate key sent after the real one: the last wins, as JSON.parse and Jackson do.
      return duplicateKey && text.startsWith('{') && text.length > 2
        ? `${text.slice(0, -1)},"${String(paths[index]?.[0] ?? 'x')}":${JSON.stringify(next) ?? 'null'}}`
        : text;
    });
}

function deepNest(depth: number): string {
  return `{"extraData":${'['.repeat(depth)}${']'.repeat(depth)},"inputs":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`;
}

function bodyFor(world: FuzzWorld, routeKey: string): fc.Arbitrary<string | Buffer | undefined> {
  const valid = world.validBodies[routeKey];
  const options: fc.Arbitrary<string | Buffer | undefined>[] = [
    fc.constant(undefined),
    fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)),
    fc.string({ maxLength: 200 }),
    fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
    fc.constantFrom(
      '{',
      '{"inputs": [',
      '{"a": 1,}',
      '[1, 2',
      'null',
      '"text"',
      '{"__proto__": {"polluted": "yes"}}',
      '{"tokens": {"__proto__": {"polluted": "yes"}}}',
      Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0xff, 0xfe, 0x22, 0x7d]),
    ),
    fc.integer({ min: 60, max: 2000 }).map(deepNest),
  ];
  if (typeof valid === 'string') {
    const form = new URLSearchParams(valid);
    const formMutation = fc.tuple(fc.constantFrom(...form.keys()), hostileText).map(([key, value]) => {
      const copy = new URLSearchParams(form);
      copy.set(key, value);
      return copy.toString();
    });
    options.push(fc.constant(valid), formMutation, formMutation);
  } else if (valid !== undefined) {
    options.push(
      fc.constant(JSON.stringify(valid)),
      mutatedJson(valid),
      mutatedJson(valid),
      mutatedJson(valid),
    );
  }
  return fc.oneof(...options);
}

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/vnd.api+json',
  'application/x-www-form-urlencoded',
  'text/plain',
  'multipart/form-data; boundary=x',
  'application/json; charset=latin1',
  'garbage',
];

/** Percent-encoded as UTF-8; a lone surrogate (which has no UTF-8) becomes U+FFFD first. */
const encode = (text: string): string => encodeURIComponent(text.toWellFormed());

/** A path segment: a known id, or text that is hostile to routers and lookups. */
function segment(world: FuzzWorld, name: string): fc.Arbitrary<string> {
  const known = world.params[name] ?? [];
  return fc.oneof(
    { weight: 4, arbitrary: known.length > 0 ? fc.constantFrom(...known) : fc.constant('1') },
    { weight: 2, arbitrary: hostileText.map((text) => encode(text.slice(0, 3000))) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '%',
        '%zz',
        '%E0%A4%A',
        '%C3%28',
        '%00',
        '..',
        '.',
        'a%2Fb',
        'x'.repeat(2049),
      ),
    },
  );
}

const queryKey = fc.oneof(
  fc.constantFrom(
    'hapikey',
    'limit',
    'after',
    'detail',
    'properties',
    'archived',
    'portalId',
    'q',
    'since',
    'until',
  ),
  fc.constantFrom('eventTemplateId', 'render', 'client_id', 'redirect_uri', 'scope', 'state', 'auto_approve'),
  fc.constantFrom('__proto__', 'constructor', 'a[__proto__][polluted]', 'x[]'),
  fc.string({ maxLength: 10 }),
);

function queryFor(world: FuzzWorld): fc.Arbitrary<string> {
  const pair = fc.tuple(
    queryKey,
    fc.oneof(fc.constantFrom(...world.hapikeys, '1', '0', '-5', '101', 'true', 'False'), hostileText),
  );
  return fc
    .tuple(fc.array(pair, { maxLength: 4 }), fc.constantFrom('', '', '&%zz=%', '&a=%E0%A4%A', '&&&='))
    .map(([pairs, raw]) => {
      const text = pairs.map(([key, value]) => `${encode(key)}=${encode(value.slice(0, 3000))}`).join('&');
      const query = text + raw;
      return query === '' ? '' : `?${query}`;
    });
}

/** The credential a route takes: the admin token, the developer key (sent as a query), or a token. */
function rightAuthorization(world: FuzzWorld, url: string): string | undefined {
  if (url.startsWith('/_admin') || url === '/metrics') return `Bearer ${world.adminToken}`;
  if (url.includes('/event-templates')) return undefined;
  return `Bearer ${world.server.accessToken}`;
}

/**
 * A route of any API version under the first prefix of its kind (every version and prefix of the
 * API version table serves the same operations, so they share one set of bodies).
 */
export function canonicalRoute(url: string): string {
  for (const version of API_VERSIONS) {
    for (const prefix of version.prefixes) {
      if (url.startsWith(`${prefix}/`)) return `${canonicalPrefix(version.kind)}${url.slice(prefix.length)}`;
    }
  }
  return url;
}

/** The first prefix of the first version of a kind: `/integrators/timeline/v3`, `/integrators/timeline/v4`. */
export function canonicalPrefix(kind: ApiKind): string {
  return versionsOf(kind)[0]?.prefixes[0] as string;
}

/** A whole request aimed at one route of the table. */
export function requestFor(world: FuzzWorld, routes: readonly RouteEntry[]): fc.Arbitrary<FuzzRequest> {
  return fc.constantFrom(...routes).chain((route) => {
    const names = [...route.url.matchAll(/:(\w+)/g)].map((match) => match[1] as string);
    const routeKey = `${route.method} ${canonicalRoute(route.url).replace('/crm-object-schemas/v3/', '/crm/v3/')}`;
    return fc
      .record({
        segments: fc.tuple(...names.map((name) => segment(world, name)), fc.constant('')),
        query: queryFor(world),
        // Mostly the credential the route takes, so requests get past authentication to its rules.
        authorization: fc.oneof(
          { weight: 4, arbitrary: fc.constant(rightAuthorization(world, route.url)) },
          { weight: 1, arbitrary: fc.constantFrom(undefined, ...world.authorizations) },
        ),
        hapikey: fc.oneof(
          { weight: 4, arbitrary: fc.constant(world.hapikeys[0]) },
          { weight: 1, arbitrary: fc.constantFrom(undefined, ...world.hapikeys) },
        ),
        cookie: fc.oneof(
          { weight: 4, arbitrary: fc.constant(world.cookies[0]) },
          { weight: 1, arbitrary: fc.constantFrom(undefined, ...world.cookies) },
        ),
        contentType: fc.oneof(
          { weight: 4, arbitrary: fc.constant(undefined) },
          { weight: 1, arbitrary: fc.constantFrom(...CONTENT_TYPES) },
        ),
        body: bodyFor(world, routeKey),
        method: fc.oneof(
          { weight: 9, arbitrary: fc.constant(route.method) },
          fc.constantFrom('GET', 'POST', 'PATCH'),
        ),
      })
      .map(({ segments, query, authorization, hapikey, cookie, contentType, body, method }) => {
        let index = 0;
        const path = route.url.replace(/:(\w+)/g, () => segments[index++] ?? '');
        const keyed = route.url.includes('/event-templates') && hapikey !== undefined;
        const fullQuery = keyed ? `${query === '' ? '?' : `${query}&`}hapikey=${encode(hapikey)}` : query;
        const headers: Record<string, string> = {};
        if (authorization !== undefined) headers.authorization = authorization;
        if (cookie !== undefined) headers.cookie = cookie;
        const formRoute = typeof world.validBodies[routeKey] === 'string';
        const type = contentType ?? (formRoute ? 'application/x-www-form-urlencoded' : 'application/json');
        if (body !== undefined) headers['content-type'] = type;
        const request: FuzzRequest = {
          method,
          url: path + fullQuery,
          headers,
          route: `${route.method} ${route.url}`,
        };
        if (body !== undefined && method !== 'GET' && method !== 'HEAD') request.payload = body;
        return request;
      });
  });
}

/** Why an answer breaks the property, or undefined when it is acceptable. */
export function answerProblem(request: FuzzRequest, response: LightMyRequestResponse): string | undefined {
  const { statusCode: status } = response;
  if (status >= 500) return `answered ${status}: ${response.body.slice(0, 300)}`;
  if (status < 400 || request.method === 'HEAD') return undefined;
  const type = String(response.headers['content-type'] ?? '');
  const path = request.url.split('?')[0] ?? '';
  // The UI's pages answer HTML (a page saying what is wrong), as a browser shows them.
  if (path.startsWith('/ui') && type.startsWith('text/html'))
    return response.body === '' ? 'empty HTML' : undefined;
  if (!type.startsWith('application/json'))
    return `a ${status} answered as '${type}': ${response.body.slice(0, 200)}`;
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(response.body) as Record<string, unknown>;
  } catch {
    return `a ${status} whose body is not JSON: ${response.body.slice(0, 200)}`;
  }
  const named =
    typeof body.message === 'string' && body.message !== '' && typeof body.correlationId === 'string';
  // OAuth's endpoints answer their legacy shape {status: 'BAD_...', message, correlationId}.
  if (path.startsWith('/oauth/') && typeof body.status === 'string' && named) return undefined;
  if (body.status !== 'error' || !named || typeof body.category !== 'string')
    return `a ${status} that is not HubSpot's envelope: ${response.body.slice(0, 200)}`;
  return undefined;
}

export interface FuzzReport {
  seed: number;
  runs: number;
  tried: number;
  failures: number;
  seconds: number;
  counterexample?: string;
}

/** Sends `runs` generated requests; fails on the first answer that breaks the property. */
export async function fuzzRoutes(
  world: FuzzWorld,
  options: { runs: number; seed: number; timeoutMs?: number },
) {
  const routes = world.server.app.routeTable.filter((route) => route.method !== 'HEAD');
  const timeoutMs = options.timeoutMs ?? 10_000;
  let tried = 0;
  const started = performance.now();
  const property = fc.asyncProperty(requestFor(world, routes), async (request) => {
    tried += 1;
    let timer: NodeJS.Timeout | undefined;
    const hang = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      const response = await Promise.race([
        world.server.app.inject({
          method: request.method as 'GET',
          url: request.url,
          headers: request.headers,
          ...(request.payload === undefined ? {} : { payload: request.payload }),
        }),
        hang,
      ]);
      const problem = answerProblem(request, response);
      if (problem) throw new Error(`${request.route}: ${problem}`);
    } finally {
      clearTimeout(timer);
    }
    if (({} as Record<string, unknown>).polluted !== undefined)
      throw new Error('Object.prototype was polluted');
  });
  const result = await fc.check(property, { numRuns: options.runs, seed: options.seed, endOnFailure: true });
  const report: FuzzReport = {
    seed: options.seed,
    runs: options.runs,
    tried,
    failures: result.failed ? 1 : 0,
    seconds: Math.round((performance.now() - started) / 100) / 10,
  };
  if (result.failed) {
    report.counterexample = `${fc.stringify(result.counterexample)}\n${String(result.errorInstance)}\nreplay: FUZZ_SEED=${result.seed} (path ${result.counterexamplePath})`;
  }
  return report;
}

/** FUZZ_SEED when given (to replay a run), else a fresh one; always printed by the callers. */
export function fuzzSeed(): number {
  const given = process.env.FUZZ_SEED;
  return given === undefined || given === '' ? Date.now() ^ (Math.random() * 0x7fffffff) : Number(given);
}
