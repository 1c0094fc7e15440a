/** Templates and events the HTTP suites share. */
import type { TestServer } from './test-server.js';

export const PREFIXES = ['/integrators/timeline/v3', '/crm/v3/timeline'] as const;

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
};

/** Creates a template through the API and answers its id. */
export async function createTemplate(
  server: TestServer,
  template: Record<string, unknown> = webinarTemplate,
  appId = server.appId,
  apiKey = server.apiKey,
): Promise<string> {
  const response = await server.request('POST', `${PREFIXES[0]}/${appId}/event-templates?hapikey=${apiKey}`, {
    body: template,
    token: false,
  });
  if (response.status !== 201) throw new Error(`template create failed: ${response.status} ${response.text}`);
  return response.json.id as string;
}
