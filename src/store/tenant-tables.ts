/**
 * Every table of tenant data both adapters keep, and the column naming its portal (`null`: the rows
 * belong to apps or developer accounts, and a one-portal reset keeps them). `Store.reset` empties
 * these; a table added later is added here (or to an adapter's own list, for a table only it has).
 * `kept` names the column of the rows a reset never deletes (the start credentials), and the value
 * the kept row has there; those rows are written back as provisioned in the reset's transaction.
 */
import type { KeptCredentials } from '../domain/store.js';

export interface TenantTable {
  table: string;
  portalColumn: string | null;
  kept?: { column: string; value: (keep: KeptCredentials) => string | number };
}

export const TENANT_TABLES: readonly TenantTable[] = [
  { table: 'timeline_events', portalColumn: 'portal_id' },
  { table: 'timeline_record_activity', portalColumn: 'portal_id' },
  { table: 'timeline_record_search', portalColumn: 'portal_id' },
  { table: 'object_schemas', portalColumn: 'portal_id' },
  { table: 'oauth_codes', portalColumn: 'portal_id' },
  { table: 'oauth_refresh_tokens', portalColumn: 'portal_id' },
  { table: 'oauth_trusted_portals', portalColumn: 'portal_id' },
  {
    table: 'oauth_clients',
    portalColumn: null,
    kept: { column: 'client_id', value: (k) => k.oauthClient.clientId },
  },
  { table: 'contact_utks', portalColumn: 'portal_id' },
  { table: 'crm_records', portalColumn: 'portal_id' },
  {
    table: 'access_tokens',
    portalColumn: 'portal_id',
    kept: { column: 'token_hash', value: (k) => k.accessToken.tokenHash },
  },
  { table: 'request_counts_seconds', portalColumn: 'portal_id' },
  { table: 'request_counts_daily', portalColumn: 'portal_id' },
  { table: 'portals', portalColumn: 'id', kept: { column: 'id', value: (k) => k.portal.id } },
  { table: 'event_templates', portalColumn: null },
  { table: 'apps', portalColumn: null, kept: { column: 'id', value: (k) => k.app.id } },
  {
    table: 'developer_accounts',
    portalColumn: null,
    kept: { column: 'id', value: (k) => k.developerAccount.id },
  },
];

/**
 * The DELETE of one table's reset rows: all of them, or one portal's (`onePortal`), always but the
 * kept row; undefined when a one-portal reset leaves the table alone. Values: `resetDeleteValues`.
 */
export function resetDeleteSql(
  table: TenantTable,
  onePortal: boolean,
  placeholder: (n: number) => string,
): string | undefined {
  if (onePortal && table.portalColumn === null) return undefined;
  const where: string[] = [];
  if (onePortal) where.push(`${table.portalColumn} = ${placeholder(where.length + 1)}`);
  if (table.kept) where.push(`${table.kept.column} <> ${placeholder(where.length + 1)}`);
  return `DELETE FROM ${table.table}${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''}`;
}

/** The values of `resetDeleteSql`'s statement. */
export function resetDeleteValues(
  table: TenantTable,
  portalId: number | undefined,
  keep: KeptCredentials,
): unknown[] {
  const values: unknown[] = portalId === undefined ? [] : [portalId];
  if (table.kept) values.push(table.kept.value(keep));
  return values;
}
