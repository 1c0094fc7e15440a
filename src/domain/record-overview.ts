/**
 * A record as the web UI's sidebar shows it: its id, type and properties as the server knows them,
 * each with when it was last set, and the templates whose tokens stamp it (`objectPropertyName`;
 * only those whose definitions the viewer may see).
 */
import type { Viewer } from './credentials/viewer.js';
import type { Store } from './store.js';
import type { TemplateCatalog } from './template-catalog.js';
import type { TimelineService } from './timeline-service.js';
import type { CrmRecord, EventTemplate, ObjectType } from './types.js';

export interface StampingToken {
  templateId: string;
  templateName: string;
  tokenName: string;
  tokenLabel: string;
}

export interface RecordProperty {
  name: string;
  value: string;
  /** When it was last set, epoch ms; null when not known (set before the server kept these times). */
  setAt: number | null;
  stampedBy: StampingToken[];
}

export interface RecordOverview {
  record: CrmRecord;
  properties: RecordProperty[];
  /** The templates of the record's type whose definitions the viewer reads (TemplateCatalog.definitions). */
  templates: EventTemplate[];
}

/** The properties people look for first, in this order; the others follow by name. */
const FIRST = ['email', 'domain', 'name', 'firstname', 'lastname', 'dealname', 'subject'];

function rank(name: string): number {
  const index = FIRST.indexOf(name);
  return index === -1 ? FIRST.length : index;
}

export class RecordOverviews {
  constructor(
    private readonly store: Store,
    private readonly timeline: TimelineService,
    private readonly catalog: TemplateCatalog,
  ) {}

  /** The record the viewer reads (CRM_OBJECT_NOT_FOUND otherwise), with its properties. */
  async overview(viewer: Viewer, objectType: ObjectType, objectId: string): Promise<RecordOverview> {
    const record = await this.timeline.record(viewer, objectType, objectId);
    const [times, templates] = await Promise.all([
      this.store.recordPropertyTimes(viewer.portalId, objectType, objectId),
      this.catalog.definitions(viewer, objectType),
    ]);
    const setAt = new Map((times ?? []).map((time) => [time.name, time.setAt]));
    const stamping = new Map<string, StampingToken[]>();
    for (const template of templates) {
      for (const token of template.tokens) {
        if (token.objectPropertyName === undefined) continue;
        const list = stamping.get(token.objectPropertyName) ?? [];
        list.push({
          templateId: template.id,
          templateName: template.name,
          tokenName: token.name,
          tokenLabel: token.label,
        });
        stamping.set(token.objectPropertyName, list);
      }
    }
    const properties = Object.entries(record.properties)
      .map(([name, value]) => ({
        name,
        value,
        setAt: setAt.get(name) ?? null,
        stampedBy: stamping.get(name) ?? [],
      }))
      .sort((a, b) => rank(a.name) - rank(b.name) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return { record, properties, templates };
  }
}
