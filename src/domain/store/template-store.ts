/**
 * Event templates (their tokens live inside them) and app event types, which are templates marked
 * with their project `uid` (`appEventUid`).
 */
import type { EventTemplate } from '../types.js';
import type { StoreFailure } from './results.js';

/** A template before the store gives it an id, an app, a version and an update time. */
export type NewTemplate = Omit<EventTemplate, 'id' | 'appId' | 'updatedAt' | 'version'>;

export interface TemplateStore {
  listTemplates(appId: number): Promise<EventTemplate[]>;
  getTemplate(templateId: string): Promise<EventTemplate | undefined>;
  /** Fails with TEMPLATE_LIMIT_REACHED when the app already has `maxPerApp` templates. */
  insertTemplate(
    appId: number,
    template: NewTemplate,
    maxPerApp: number,
  ): Promise<EventTemplate | StoreFailure>;
  /**
   * Replaces the template if its stored version is still `template.version` (optimistic
   * concurrency); answers the saved template with the next version, or `undefined` when the version
   * moved on (or the template is gone): the caller reads it again and retries.
   */
  replaceTemplate(template: EventTemplate): Promise<EventTemplate | undefined>;
  deleteTemplate(appId: number, templateId: string): Promise<boolean>;

  // App event types: `insertTemplate` fails with APP_EVENT_TYPE_EXISTS when the app already has one of that uid.
  findAppEventType(appId: number, uid: string): Promise<EventTemplate | undefined>;
  /** Whether any portal holds an event of the template. */
  templateHasEvents(templateId: string): Promise<boolean>;
}
