/** Templates and events the HTTP suites share. */
import type { TestServer } from './test-server.js';
import { webinarTemplate } from './webinar-template.js';

export { webinarTemplate };

export const PREFIXES = ['/integrators/timeline/v3', '/crm/v3/timeline'] as const;

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
