/**
 * The storage interface, in domain terms: one port made of its areas (`domain/store/`), each matching
 * the adapter pieces that carry it out. The SQLite and PostgreSQL adapters implement it and one
 * conformance suite (`test/store/`) holds them to the same behaviour. Rules that need no state live in
 * `domain/`; what needs atomicity (record resolution with its event, id uniqueness, limits counted
 * under a lock) is specified here and done inside the adapter's transaction.
 */
import type { EventStore } from './store/event-store.js';
import type { OAuthStore } from './store/oauth-store.js';
import type { RecordStore } from './store/record-store.js';
import type { RequestCountStore } from './store/request-count-store.js';
import type { TemplateStore } from './store/template-store.js';
import type { TenantStore } from './store/tenant-store.js';
import type { TimelineStore } from './store/timeline-store.js';
import type { AccessToken, App, DeveloperAccount, OAuthClient, Portal } from './types.js';

export * from './store/event-store.js';
export * from './store/oauth-store.js';
export * from './store/record-store.js';
export * from './store/request-count-store.js';
export * from './store/results.js';
export * from './store/template-store.js';
export * from './store/tenant-store.js';
export * from './store/timeline-store.js';
export * from './store/ui-read-store.js';

/**
 * The start credentials, which a reset keeps: their rows are never deleted, and are written back as
 * they were provisioned in the same transaction, so a request made with them during a reset is
 * never refused.
 */
export interface KeptCredentials {
  portal: Portal;
  developerAccount: DeveloperAccount;
  app: App;
  accessToken: AccessToken;
  oauthClient: OAuthClient;
}

/** What `Store.reset` empties: everything, or the data of one portal; the start credentials stay. */
export interface ResetScope {
  portalId?: number;
  keep: KeptCredentials;
}

export interface Store
  extends TenantStore,
    TemplateStore,
    RecordStore,
    EventStore,
    TimelineStore,
    OAuthStore,
    RequestCountStore {
  /** Applies pending migrations; safe to call from several processes at once. */
  migrate(): Promise<void>;
  close(): Promise<void>;
  /**
   * Deletes tenant data, in one transaction: with no portal, every portal, developer account, app,
   * token, template, record, event and request count; with a portal, that portal with its tokens,
   * records, events and counts (templates belong to apps and stay). Meta, web sessions and the
   * start credentials (`scope.keep`, written back as given) stay.
   */
  reset(scope: ResetScope): Promise<void>;
}
