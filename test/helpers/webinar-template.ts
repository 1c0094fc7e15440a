/**
 * The one event template the suites and benchmarks share, in the wire shape of a create request:
 * a stamped string token, a string, a number, a date and an enumeration, and a detail template
 * reading `extraData`. Each layer takes its own form of it from here: the HTTP body to send
 * (`webinarTemplateBody`) or the store's `NewTemplate` (`webinarNewTemplate`). Tests that need
 * another shape override what they need.
 */
import type { NewTemplate } from '../../src/domain/store.js';

export const webinarTemplate = {
  name: 'Webinar registration',
  objectType: 'contacts',
  headerTemplate: 'Registered for [{{webinarName}}](https://example.com/webinars/{{webinarId}})',
  detailTemplate:
    'Registration occurred at {{#formatDate timestamp}}{{/formatDate}}\n\n{{#if extraData.note}}Note: {{extraData.note}}{{/if}}',
  tokens: [
    { name: 'webinarName', label: 'Webinar name', type: 'string', objectPropertyName: 'last_webinar' },
    { name: 'webinarId', label: 'Webinar id', type: 'string' },
    { name: 'seats', label: 'Seats', type: 'number' },
    { name: 'registeredOn', label: 'Registered on', type: 'date' },
    {
      name: 'tier',
      label: 'Tier',
      type: 'enumeration',
      options: [
        { label: 'Free', value: 'free' },
        { label: 'Paid', value: 'paid' },
      ],
    },
  ],
} as const;

/** A create (or update) request body of its own, safe to change, with `overrides` on top. */
export function webinarTemplateBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...structuredClone(webinarTemplate), ...overrides };
}

/** The template as the store takes it, created at `createdAt`: every token with its options and times. */
export function webinarNewTemplate(createdAt: number, overrides: Partial<NewTemplate> = {}): NewTemplate {
  const { name, objectType, headerTemplate, detailTemplate } = webinarTemplate;
  return {
    name,
    objectType,
    headerTemplate,
    detailTemplate,
    tokens: webinarTemplate.tokens.map((token) => ({
      ...token,
      options: 'options' in token ? token.options.map((option) => ({ ...option })) : [],
      createdAt,
      updatedAt: createdAt,
    })),
    createdAt,
    ...overrides,
  };
}
