/**
 * The `signed_access_token` of an introspection answer (HubSpot's `SignedAccessToken`): the claims
 * HubSpot's own access tokens carry, every field its spec requires. HubSpot publishes neither the
 * encoding of its opaque strings nor its signing key, so those are *ours*: `scopes` is the granted
 * scopes (space-separated) in base64, the scope-group map names each scope with a stable number,
 * and the signatures are SHA-256 digests over the claims and the token's stored hash. They are
 * plausible and deterministic, and verify nothing; none reveals the token.
 */
import { createHash } from 'node:crypto';
import type { AccessToken } from './types.js';

export interface SignedAccessToken {
  appId: number;
  appInstallId: string;
  audience: string;
  expiresAt: number;
  hubId: number;
  hublet: string;
  installingUserId: number;
  isPrivateDistribution: boolean;
  isServiceAccount: boolean;
  isUserLevel: boolean;
  newSignature: string;
  scopeToScopeGroupPks: string;
  scopes: string;
  signature: string;
  trialScopeToScopeGroupPks: string;
  trialScopes: string;
  userId: number;
}

/** *Ours*: HubSpot's data centre of US accounts; the stand-in has one. */
export const HUBLET = 'na1';

export function signedAccessToken(
  token: AccessToken & { expiresAt: number },
  clientId: string,
  userId: number,
): SignedAccessToken {
  const claims = {
    appId: token.appId,
    // One install of an app per portal.
    appInstallId: `${token.appId}-${token.portalId}`,
    // *Ours*: the client the token was issued to.
    audience: clientId,
    expiresAt: token.expiresAt,
    hubId: token.portalId,
    hublet: HUBLET,
    installingUserId: userId,
    // The stand-in's apps are public (marketplace-style) apps, as their rate limits are.
    isPrivateDistribution: false,
    isServiceAccount: false,
    isUserLevel: false,
    scopeToScopeGroupPks: base64(token.scopes.map((scope) => `${scope}:${scopeGroupPk(scope)}`).join(',')),
    scopes: base64(token.scopes.join(' ')),
    trialScopeToScopeGroupPks: '',
    trialScopes: '',
    userId,
  };
  const signed = JSON.stringify(claims);
  return {
    ...claims,
    signature: digest(`v1\n${token.tokenHash}\n${signed}`),
    newSignature: digest(`v2\n${token.tokenHash}\n${signed}`),
  };
}

const base64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

const digest = (text: string): string => createHash('sha256').update(text, 'utf8').digest('base64');

/** A stable number for a scope (HubSpot's scope groups are rows with numeric keys). */
function scopeGroupPk(scope: string): number {
  return createHash('sha256').update(scope, 'utf8').digest().readUInt32BE(0) % 100_000;
}
