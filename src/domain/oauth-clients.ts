/**
 * Who an OAuth request comes from: the client named by `client_id`, proven by `client_secret`
 * (known to the server only by its hash). Every OAuth operation that takes client credentials
 * (the token endpoint, and the current API's introspection and revocation) checks them here.
 */
import { ApiError } from '../errors.js';
import { matchesHash } from './credentials/secrets.js';
import type { Store } from './store.js';
import type { OAuthClient } from './types.js';

export interface ClientCredentials {
  client_id?: string;
  client_secret?: string;
}

/** The client, when its id is known and the secret is its own; else the error naming the field. */
export async function authenticateClient(store: Store, credentials: ClientCredentials): Promise<OAuthClient> {
  const { client_id: clientId, client_secret: secret } = credentials;
  const client = clientId ? await store.findOAuthClient(clientId) : undefined;
  if (!client) {
    throw new ApiError(
      'OAUTH_BAD_CLIENT_ID',
      {},
      { details: [fieldProblem('client_id', clientId === undefined || clientId === '')] },
    );
  }
  if (!secret || !matchesHash(secret, client.clientSecretHash)) {
    throw new ApiError('OAUTH_BAD_CLIENT_SECRET', {}, { details: [fieldProblem('client_secret', !secret)] });
  }
  return client;
}

function fieldProblem(field: string, missing: boolean) {
  return missing
    ? { message: `${field} is required`, code: 'REQUIRED_FIELD' as const, in: field }
    : { message: `${field} is not valid`, code: 'INVALID_VALUE' as const, in: field };
}
