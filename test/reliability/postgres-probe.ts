/** Reads the probe events and stamps straight from a PostgreSQL scratch schema (see ingestion-load.ts). */
import type { StoredProbe } from '../helpers/ingestion-load.js';
import type { ScratchSchema } from '../helpers/scratch-schema.js';
import { SERVE_CREDENTIALS } from '../helpers/serve-process.js';

export async function readPostgresProbe(schema: ScratchSchema): Promise<StoredProbe> {
  const exists = await schema.admin.query('SELECT to_regclass($1) AS t', [`${schema.name}.timeline_events`]);
  if (exists.rows[0]?.t === null) return { events: [], stamps: [] };
  const events = await schema.admin.query<{ eventId: string; objectId: string }>(
    `SELECT e.event_id AS "eventId", e.object_id::text AS "objectId"
     FROM ${schema.name}.timeline_events e JOIN ${schema.name}.event_templates t ON t.id = e.template_id
     WHERE e.portal_id = $1 AND t.name = 'Crash probe'`,
    [SERVE_CREDENTIALS.portalId],
  );
  const stamps = await schema.admin.query<{ ref: string; objectId: string }>(
    `SELECT properties::jsonb ->> 'crash_ref' AS ref, id::text AS "objectId" FROM ${schema.name}.crm_records
     WHERE portal_id = $1 AND object_type = 'contacts' AND properties::jsonb ? 'crash_ref'`,
    [SERVE_CREDENTIALS.portalId],
  );
  return { events: events.rows, stamps: stamps.rows };
}
