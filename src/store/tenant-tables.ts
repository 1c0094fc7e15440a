/**
 * Every table of tenant data both adapters keep, and the column naming its portal (`null`: the rows
 * belong to apps or developer accounts, and a one-portal reset keeps them). `Store.reset` empties
 * these; a table added later is added here (or to an adapter's own list, for a table only it has).
 */
export interface TenantTable {
  table: string;
  portalColumn: string | null;
}

export const TENANT_TABLES: readonly TenantTable[] = [
  { table: 'timeline_events', portalColumn: 'portal_id' },
  { table: 'timeline_record_activity', portalColumn: 'portal_id' },
  { table: 'timeline_record_search', portalColumn: 'portal_id' },
  { table: 'object_schemas', portalColumn: 'portal_id' },
  { table: 'oauth_codes', portalColumn: 'portal_id' },
  { table: 'oauth_refresh_tokens', portalColumn: 'portal_id' },
  { table: 'oauth_clients', portalColumn: null },
  { table: 'contact_utks', portalColumn: 'portal_id' },
  { table: 'crm_records', portalColumn: 'portal_id' },
  { table: 'access_tokens', portalColumn: 'portal_id' },
  { table: 'request_counts_seconds', portalColumn: 'portal_id' },
  { table: 'request_counts_daily', portalColumn: 'portal_id' },
  { table: 'portals', portalColumn: 'id' },
  { table: 'event_templates', portalColumn: null },
  { table: 'apps', portalColumn: null },
  { table: 'developer_accounts', portalColumn: null },
];
