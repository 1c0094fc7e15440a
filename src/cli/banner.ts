/**
 * What `serve` prints once it listens: the credentials to use, what to do next (the web UI, the
 * docs, one request to try), and, last, `listening on URL` (scripts wait for that line). The
 * secrets (access token, developer API key, admin token, OAuth client secret) not given by flag or
 * environment are made anew at every start, the previous start's then stop working, so the banner
 * says which were and how to keep them stable. Also the warning for a server reachable from the
 * network.
 */
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Provisioned } from '../domain/provisioning.js';
import { shellWord } from './shell-words.js';

/** The secrets a start generates when they are not given, with the flag and variable that give them. */
const SECRETS = {
  accessToken: { label: 'access token', flag: '--access-token', env: 'TIMELINE_ACCESS_TOKEN' },
  developerApiKey: {
    label: 'developer API key',
    flag: '--developer-api-key',
    env: 'TIMELINE_DEVELOPER_API_KEY',
  },
  adminToken: { label: 'admin token', flag: '--admin-token', env: 'TIMELINE_ADMIN_TOKEN' },
  oauthClientSecret: {
    label: 'oauth secret',
    flag: '--oauth-client-secret',
    env: 'TIMELINE_OAUTH_CLIENT_SECRET',
  },
} as const;

export type GeneratedSecret = keyof typeof SECRETS;

export interface BannerInput {
  credentials: Provisioned;
  /** The URL the server listens on (`listening on`). */
  url: string;
  /** The database setting, its password already redacted. */
  database: string;
}

/** The lines of the banner, in order, without their newlines. */
export function bannerLines(input: BannerInput): string[] {
  const { credentials: c, url } = input;
  // A secret given by flag or variable is not printed (its owner has it; a log of the output must
  // not): only the ones this start made, which nobody could know otherwise.
  const secret = (key: GeneratedSecret) =>
    c.generated[key] ? c[key] : `(as given by ${SECRETS[key].flag} or ${SECRETS[key].env})`;
  const lines = [
    `portal id:          ${c.portalId} (time zone ${c.timeZone})`,
    `app id:             ${c.appId}`,
    `access token:       ${secret('accessToken')}`,
    `developer API key:  ${secret('developerApiKey')}`,
    `admin token:        ${secret('adminToken')}`,
    `oauth client id:    ${c.oauthClientId}`,
    `oauth secret:       ${secret('oauthClientSecret')}`,
    `oauth redirect uri: ${c.oauthRedirectUri}`,
    `database:           ${input.database}`,
  ];
  const generated = (Object.keys(SECRETS) as GeneratedSecret[]).filter((key) => c.generated[key]);
  if (generated.length > 0) {
    const secrets = generated.map((key) => SECRETS[key]);
    lines.push(
      input.database === ':memory:'
        ? `new secrets:        ${list(secrets.map((s) => s.label))} ${generated.length > 1 ? 'were' : 'was'} generated for this start`
        : `new secrets:        ${list(secrets.map((s) => s.label))} ${generated.length > 1 ? 'were' : 'was'} generated for this start; the previous start's no longer work`,
      `                    to keep ${generated.length > 1 ? 'them' : 'it'} across restarts, give ${list(secrets.map((s) => s.flag))} (or ${list(secrets.map((s) => s.env))})`,
    );
  }
  const local = localUrl(url);
  const docs = docsFolder();
  lines.push(
    `web UI:             ${local}/ui (sign in with the access token, or the admin token and the portal id)`,
    `docs:               ${docs.readme} and ${docs.testing} (tests against this server)`,
    `try:                curl -s -H ${shellWord(`authorization: Bearer ${c.generated.accessToken ? c.accessToken : '<your access token>'}`)} ${local}/integrators/timeline/v3/${c.appId}/event-templates`,
    `listening on ${url}`,
  );
  return lines;
}

/** `a`, `a and b`, `a, b and c`. */
function list(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** The URL to open on this machine: a wildcard address (all interfaces) is reached at loopback. */
function localUrl(url: string): string {
  return url.replace('//0.0.0.0:', '//127.0.0.1:').replace('//[::]:', '//[::1]:');
}

/** The README and docs/testing.md of this package, relative to the working folder when inside it. */
function docsFolder(): { readme: string; testing: string } {
  // This file is dist/src/cli/banner.js in a clone, the same in an installed package.
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
  const shown = (path: string) => {
    const near = relative(process.cwd(), path);
    return near.startsWith('..') ? path : near;
  };
  return { readme: shown(join(root, 'README.md')), testing: shown(join(root, 'docs', 'testing.md')) };
}

/** True for an address only this machine can reach (127.0.0.0/8, ::1, and ::ffff:127.x). */
export function isLoopback(address: string): boolean {
  const v4 = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  return v4.startsWith('127.') || address === '::1';
}

/**
 * The warning printed when the server listens on an address other machines can reach: the admin
 * API, the OAuth approval page and the web UI are then open to them too (behind their credentials).
 */
export function exposureWarning(host: string, address: string): string | undefined {
  if (isLoopback(address)) return undefined;
  const where = address === '0.0.0.0' || address === '::' ? `${host} (every network interface)` : host;
  return (
    `warning: listening on ${where}: other machines can reach this server, its admin API (/_admin), its OAuth approval page (/oauth/authorize) and its web UI (/ui), guarded only by their credentials.\n` +
    '  fix: to keep them on this machine, use --host 127.0.0.1 (the default); to serve other machines, let only trusted ones in (a firewall, or a reverse proxy with TLS in front)'
  );
}
