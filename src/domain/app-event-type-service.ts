/**
 * App event types (HubSpot's developer platform): created or replaced by
 * `uid` from a project's hsmeta document, listed, and found by the name an occurrence gives. They
 * are stored as event templates marked with their uid (`appEventUid`), with ids from the same
 * sequence, so their occurrences are ordinary timeline events of the same store.
 */
import { ApiError } from '../errors.js';
import type { LimitValues } from '../limits.js';
import { type AppEventTypeDefinition, readAppEventType } from './app-event-type-rules.js';
import type { Clock } from './clock.js';
import type { NewTemplate, Store } from './store.js';
import { toTemplateToken } from './token-rules.js';
import type { EventTemplate } from './types.js';

/** How often a create-or-replace retries when another writer changed the type meanwhile. */
const MAX_ATTEMPTS = 20;

/** *Ours* (the contract's decision): `ae{appId}_{uid}`, the shape of HubSpot's documented example. */
export function fullyQualifiedName(type: EventTemplate): string {
  return `ae${type.appId}_${type.appEventUid ?? ''}`;
}

export class AppEventTypeService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly limits: Readonly<LimitValues>,
  ) {}

  /**
   * Creates the type of the document's uid, or replaces it; `file` names the document in errors.
   * HubSpot: `name` and `objectType` cannot change once the type has occurrences.
   */
  async put(
    appId: number,
    document: unknown,
    file: string,
  ): Promise<{ type: EventTemplate; created: boolean }> {
    const definition = readAppEventType(document, file);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const now = this.clock.now();
      const current = await this.store.findAppEventType(appId, definition.uid);
      if (!current) {
        const inserted = await this.store.insertTemplate(
          appId,
          toNewTemplate(definition, now),
          this.limits.MAX_TEMPLATES_PER_APP,
        );
        if (!('ok' in inserted)) return { type: inserted, created: true };
        // Another writer created the same uid first: replace theirs on the next attempt.
        if (inserted.code === 'APP_EVENT_TYPE_EXISTS') continue;
        throw new ApiError(inserted.code, inserted.params);
      }
      await this.assertChangeAllowed(current, definition, file);
      const byName = new Map(current.tokens.map((token) => [token.name, token]));
      const next: EventTemplate = {
        ...current,
        ...toNewTemplate(definition, now),
        createdAt: current.createdAt,
        updatedAt: now,
      };
      next.tokens = next.tokens.map((token) => {
        const old = byName.get(token.name);
        return old ? { ...token, createdAt: old.createdAt } : token;
      });
      if (definition.headerTemplate === undefined) delete next.headerTemplate;
      if (definition.detailTemplate === undefined) delete next.detailTemplate;
      const saved = await this.store.replaceTemplate(next);
      if (saved) return { type: saved, created: false };
    }
    throw new Error(`app event type ${definition.uid} kept changing under ${MAX_ATTEMPTS} attempts`);
  }

  async list(appId: number): Promise<EventTemplate[]> {
    return (await this.store.listTemplates(appId)).filter((t) => t.appEventUid !== undefined);
  }

  /**
   * The type an occurrence's `eventTypeName` names in the token's app: its fully qualified name
   * (`ae{appId}_{uid}`) or its bare uid (both are documented).
   */
  async find(appId: number, eventTypeName: string): Promise<EventTemplate | undefined> {
    const prefix = `ae${appId}_`;
    if (eventTypeName.startsWith(prefix)) {
      const found = await this.store.findAppEventType(appId, eventTypeName.slice(prefix.length));
      if (found) return found;
    }
    return this.store.findAppEventType(appId, eventTypeName);
  }

  /**
   * `types/projects`: the fully qualified name of the type whose uid is `developerSymbol`. *Ours*:
   * this server does not model projects, so `projectName` is required but not matched.
   */
  async byProject(appId: number, developerSymbol: string): Promise<EventTemplate> {
    const found = await this.store.findAppEventType(appId, developerSymbol);
    if (!found) throw new ApiError('APP_EVENT_TYPE_NOT_FOUND');
    return found;
  }

  private async assertChangeAllowed(
    current: EventTemplate,
    definition: AppEventTypeDefinition,
    file: string,
  ): Promise<void> {
    const changed = [
      ...(current.name !== definition.name ? ['name'] : []),
      ...(current.objectType !== definition.objectType ? ['objectType'] : []),
    ];
    if (changed.length === 0 || !(await this.store.templateHasEvents(current.id))) return;
    throw new ApiError(
      'APP_EVENT_TYPE_IMMUTABLE',
      { uid: definition.uid, field: changed.join(' and ') },
      {
        context: { file: [file] },
        details: changed.map((field) => ({
          message: `${file}: config.${field} cannot change once the type has occurrences`,
          code: 'INVALID_VALUE' as const,
          in: `config.${field}`,
        })),
      },
    );
  }
}

function toNewTemplate(definition: AppEventTypeDefinition, now: number): NewTemplate {
  const template: NewTemplate = {
    name: definition.name,
    objectType: definition.objectType,
    tokens: definition.properties.map((property) => toTemplateToken(property, now)),
    createdAt: now,
    appEventUid: definition.uid,
  };
  if (definition.headerTemplate !== undefined) template.headerTemplate = definition.headerTemplate;
  if (definition.detailTemplate !== undefined) template.detailTemplate = definition.detailTemplate;
  return template;
}
