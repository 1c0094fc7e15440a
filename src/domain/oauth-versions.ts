/**
 * Every version of HubSpot's OAuth API this server serves, in one table: its path prefix, which of
 * the two API shapes it speaks, the grants its token endpoint takes, and the spec file (with the
 * commit of HubSpot's public spec collection) it follows. The routes are registered from it and the
 * docs cite it; serving HubSpot's next dated version is adding a row.
 *
 * The two shapes: `legacy` is `/oauth/v1` (token information and deletion by path, errors as
 * `{status: "BAD_…", message}`), `current` is `/oauth/v3` and the dated versions (everything in a
 * form body, introspection and revocation, errors in HubSpot's `Error` envelope).
 */

export type OAuthGrant = 'authorization_code' | 'refresh_token' | 'client_credentials';

export type OAuthApiShape = 'legacy' | 'current';

export interface OAuthVersion {
  /** The version as it appears in paths: `v1`, `v3`, `2026-03`, ... */
  name: string;
  shape: OAuthApiShape;
  prefix: string;
  /** The `grant_type` values its token endpoint's spec lists. */
  grants: readonly OAuthGrant[];
  /** The file of `HubSpot/HubSpot-public-api-spec-collection` followed, at its newest commit then. */
  spec: { file: string; commit: string; date: string };
  /** The day HubSpot stops serving it, where HubSpot states one (ISO date). */
  sunset?: string;
}

/** Every grant, in the order an app meets them (and v1's error message lists them). */
const ALL_GRANTS: readonly OAuthGrant[] = ['authorization_code', 'refresh_token', 'client_credentials'];
const SPECS = 'PublicApiSpecs/Auth/Oauth/Rollouts';

export const OAUTH_VERSIONS: readonly OAuthVersion[] = [
  {
    name: 'v1',
    shape: 'legacy',
    prefix: '/oauth/v1',
    grants: ALL_GRANTS,
    spec: {
      file: `${SPECS}/155908/v1/oauth.json`,
      commit: '8a02f52b9ebffbe27d5c48a8bcbef55f2a74541a',
      date: '2026-06-15',
    },
    // HubSpot's changelog "v1 OAuth API Deprecation".
    sunset: '2027-02-16',
  },
  {
    name: 'v3',
    shape: 'current',
    prefix: '/oauth/v3',
    grants: ALL_GRANTS,
    spec: {
      file: `${SPECS}/279897/v3/oauth.json`,
      commit: '30d9f9685cdbff0665429bc0668bec96a2edacbb',
      date: '2026-08-19',
    },
  },
  {
    // The version HubSpot's new TypeScript SDK calls; the same file as v3 but for its paths.
    name: '2026-03',
    shape: 'current',
    prefix: '/oauth/2026-03',
    grants: ALL_GRANTS,
    spec: {
      file: `${SPECS}/279897/2026-03/oauth.json`,
      commit: '9c08b3e30a7833a53666e21abef6d87bbede3316',
      date: '2026-08-19',
    },
  },
  {
    // Its only version of the file predates client credentials: its grant_type lists two grants.
    name: '2026-09',
    shape: 'current',
    prefix: '/oauth/2026-09',
    grants: ['authorization_code', 'refresh_token'],
    spec: {
      file: `${SPECS}/279897/2026-09/oauth.json`,
      commit: '0aae1df8970a38b175523ac441a1d8296ccf1e84',
      date: '2026-03-19',
    },
  },
];

/** The versions of one shape. */
export function oauthVersionsOf(shape: OAuthApiShape): readonly OAuthVersion[] {
  return OAUTH_VERSIONS.filter((version) => version.shape === shape);
}

/** `a`, `a or b`, `a, b or c`: the grants as an error message lists them. */
export function grantList(grants: readonly string[]): string {
  if (grants.length <= 1) return grants.join('');
  return `${grants.slice(0, -1).join(', ')} or ${grants[grants.length - 1]}`;
}
