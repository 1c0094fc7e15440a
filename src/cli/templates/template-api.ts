/** The template routes, with the developer API key (`?hapikey=`), as documents. */

import { TEMPLATE_PATH } from '../api-paths.js';
import { CliError } from '../cli-error.js';
import { answerMessage, type HttpAnswer, type HubSpotHttp } from '../hubspot-http.js';
import { type TemplateDocument, toDocument, writeBody } from './template-document.js';

/** `fix`: what to do about an answer that is not about credentials (by default, a file's content). */
function refused(
  answer: HttpAnswer,
  doing: string,
  fix = 'fix what the message names in the template file, then push again',
): CliError {
  if (answer.status === 401 || answer.status === 403) {
    return new CliError(
      `${doing}: the target refused the developer API key (${answerMessage(answer)})`,
      'check --developer-api-key and --app-id: the key must be of the developer account owning the app',
    );
  }
  return new CliError(`${doing} failed: ${answerMessage(answer)}`, fix);
}

export async function listTemplates(http: HubSpotHttp, appId: string): Promise<TemplateDocument[]> {
  const answer = await http.request('GET', `${TEMPLATE_PATH}/${appId}/event-templates`, { auth: 'hapikey' });
  if (answer.status !== 200) {
    throw refused(
      answer,
      `listing the templates of app ${appId}`,
      "check --base-url (the server's root, without an API path) and --app-id",
    );
  }
  const results = (answer.json as { results?: Record<string, unknown>[] }).results ?? [];
  return results.map(toDocument);
}

export async function createTemplate(
  http: HubSpotHttp,
  appId: string,
  doc: TemplateDocument,
): Promise<string> {
  const answer = await http.request('POST', `${TEMPLATE_PATH}/${appId}/event-templates`, {
    auth: 'hapikey',
    body: writeBody(doc),
  });
  if (answer.status !== 201) throw refused(answer, `creating template '${doc.name}'`);
  return String((answer.json as { id?: unknown }).id);
}

/** HubSpot's PUT replaces the name, both templates and the whole token list. */
export async function updateTemplate(
  http: HubSpotHttp,
  appId: string,
  id: string,
  doc: TemplateDocument,
): Promise<void> {
  const { objectType: _objectType, ...body } = writeBody(doc);
  const answer = await http.request('PUT', `${TEMPLATE_PATH}/${appId}/event-templates/${id}`, {
    auth: 'hapikey',
    body: { id, ...body },
  });
  if (answer.status !== 200) throw refused(answer, `updating template ${id} '${doc.name}'`);
}

export async function deleteTemplate(http: HubSpotHttp, appId: string, id: string): Promise<void> {
  const answer = await http.request('DELETE', `${TEMPLATE_PATH}/${appId}/event-templates/${id}`, {
    auth: 'hapikey',
  });
  if (answer.status !== 204 && answer.status !== 404) throw refused(answer, `archiving template ${id}`);
}

export async function deleteToken(http: HubSpotHttp, appId: string, id: string, name: string): Promise<void> {
  const answer = await http.request(
    'DELETE',
    `${TEMPLATE_PATH}/${appId}/event-templates/${id}/tokens/${encodeURIComponent(name)}`,
    { auth: 'hapikey' },
  );
  if (answer.status !== 204 && answer.status !== 404)
    throw refused(answer, `deleting token '${name}' of template ${id}`);
}
