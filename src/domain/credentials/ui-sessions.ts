/**
 * Web UI sessions: signing in with a credential, and finding who a browser is on each request. The
 * browser holds only a random session id (256 bits); the store keeps its hash with the credential
 * it stands for (as a hash too). Every request checks that credential again, so a session ends when
 * its token expires or is deleted, or when the admin token changes.
 *
 * Who may sign in: the admin token (with the portals to open), or a portal's private-app token with
 * a timeline read scope. An app's token is refused: it stands for an integration, not a person, and
 * sees only its app's events (viewer.ts).
 */
import { TIMELINE_READ_SCOPES } from '../api-versions.js';
import type { Clock } from '../clock.js';
import type { Store } from '../store.js';
import type { UiSession } from '../types.js';
import { type AdminCredential, hasAnyScope, liveToken } from './authentication.js';
import { hashSecret, newSecret } from './secrets.js';
import { adminViewer, tokenViewer, type Viewer } from './viewer.js';

/** *Ours*: a session lasts at most 12 hours (a working day), whatever its credential allows. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

/** Why a sign-in was refused, in words for the sign-in page. */
export class SignInRefused extends Error {}

/** A signed-in browser on one request: who it is, and the portals it may switch between. */
export interface SignedIn {
  viewer: Viewer;
  portalIds: number[];
  sessionIdHash: string;
}

export class UiSessions {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly admin: AdminCredential,
  ) {}

  /**
   * A new session for `secret` (the admin token with `portalIds`, or a private-app token); answers
   * the session id for the browser's cookie, or throws SignInRefused saying why.
   */
  async signIn(secret: string, portalIds: number[]): Promise<string> {
    const now = this.clock.now();
    let session: Omit<UiSession, 'idHash'>;
    if (this.admin.matches(secret)) {
      if (portalIds.length === 0)
        throw new SignInRefused('With the admin token, give the portal id to open.');
      for (const portalId of portalIds) {
        if (!(await this.store.getPortal(portalId)))
          throw new SignInRefused(`There is no portal ${portalId}.`);
      }
      session = {
        credential: { kind: 'admin', adminTokenHash: this.admin.tokenHash },
        portalIds,
        createdAt: now,
        expiresAt: now + SESSION_TTL_MS,
      };
    } else {
      const token = await liveToken(this.store, secret, now).catch(() => undefined);
      if (!token) throw new SignInRefused('That token is not valid, or it has expired.');
      if (token.kind !== 'private-app')
        throw new SignInRefused(
          "That is an app's token: it sees only its own app's events. Sign in with the portal's private-app token or the admin token.",
        );
      if (!hasAnyScope(token, TIMELINE_READ_SCOPES))
        throw new SignInRefused('That token has no timeline or CRM read scope.');
      const expiresAt = Math.min(now + SESSION_TTL_MS, token.expiresAt ?? Number.POSITIVE_INFINITY);
      session = {
        credential: { kind: 'token', tokenHash: token.tokenHash },
        portalIds: [token.portalId],
        createdAt: now,
        expiresAt,
      };
    }
    const id = newSecret('');
    await this.store.insertSession({ ...session, idHash: hashSecret(id) }, now);
    return id;
  }

  /**
   * Who the browser holding session `id` is, looking at `portalId` (one of the session's; its first
   * when not given), or undefined when it is signed in no longer.
   */
  async find(id: string | undefined, portalId?: number): Promise<SignedIn | undefined> {
    if (id === undefined || id === '') return undefined;
    const session = await this.store.findSession(hashSecret(id));
    const now = this.clock.now();
    if (!session || now >= session.expiresAt) return undefined;
    const current = portalId ?? session.portalIds[0];
    if (current === undefined || !session.portalIds.includes(current)) return undefined;
    const { credential } = session;
    if (credential.kind === 'admin') {
      // The admin token changed (a restart with another one): its sessions end.
      if (credential.adminTokenHash !== this.admin.tokenHash) return undefined;
      return { viewer: adminViewer(current), portalIds: session.portalIds, sessionIdHash: session.idHash };
    }
    const token = await this.store.findAccessToken(credential.tokenHash);
    if (!token || (token.expiresAt !== undefined && now >= token.expiresAt) || token.kind !== 'private-app')
      return undefined;
    return { viewer: tokenViewer(token), portalIds: session.portalIds, sessionIdHash: session.idHash };
  }

  async signOut(id: string | undefined): Promise<void> {
    if (id) await this.store.deleteSession(hashSecret(id));
  }
}
