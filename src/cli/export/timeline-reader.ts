/**
 * Reads a portal's events page by page. HubSpot's v3 API has no way to list events, so this reads
 * the server's own read API (`/_timeline/v1`, HubSpot's CRM list shape: `results` and
 * `paging.next.after`): the records that have events, then each record's events. Against a target
 * without that API (HubSpot itself, or an older server) it stops with an error saying so.
 */
import { CliError } from '../cli-error.js';
import { answerMessage, type HttpAnswer, type HubSpotHttp, isMissingRoute } from '../hubspot-http.js';

export const TIMELINE_READ_PATH = '/_timeline/v1/objects';

export interface ExportFilter {
  objectTypes: string[];
  objectId?: string;
  eventTemplateId?: string;
  since?: string;
  until?: string;
  pageSize: number;
}

interface Page<T> {
  results?: T[];
  paging?: { next?: { after?: string } };
}

export type WireEvent = Record<string, unknown>;

async function* pages<T>(
  http: HubSpotHttp,
  path: string,
  query: Record<string, string | undefined>,
): AsyncGenerator<T> {
  let after: string | undefined;
  do {
    const answer = await http.request('GET', path, { auth: 'bearer', query: { ...query, after } });
    if (answer.status !== 200) throw pageError(answer, path);
    const page = answer.json as Page<T>;
    for (const item of page.results ?? []) yield item;
    after = page.paging?.next?.after;
  } while (after !== undefined);
}

function pageError(answer: HttpAnswer, path: string): CliError {
  if (isMissingRoute(answer)) {
    return new CliError(
      `${path} does not exist on the target: HubSpot's v3 API has no way to list events, and export reads the timeline-server's own /_timeline/v1 API`,
      'point --base-url at a timeline-server that serves /_timeline/v1 (the records and timeline read API)',
    );
  }
  if (answer.status === 404) {
    return new CliError(`${path} answered ${answerMessage(answer)}`, 'check --object-type and --object-id');
  }
  if (answer.status === 401 || answer.status === 403) {
    return new CliError(
      `the target refused the access token: ${answerMessage(answer)}`,
      'check --access-token (or HUBSPOT_ACCESS_TOKEN): it must be of the portal to export, with scope timeline',
    );
  }
  if (answer.status === 400) {
    return new CliError(
      `${path} answered ${answerMessage(answer)}`,
      'check the filters: --object-type, --object-id, --since and --until',
    );
  }
  return new CliError(`${path} answered ${answerMessage(answer)}`, 'check --base-url and try again');
}

/** The ids of the records of one type that have events (or just the one asked for). */
async function* recordIds(
  http: HubSpotHttp,
  objectType: string,
  filter: ExportFilter,
): AsyncGenerator<string> {
  if (filter.objectId !== undefined) {
    yield filter.objectId;
    return;
  }
  const path = `${TIMELINE_READ_PATH}/${encodeURIComponent(objectType)}`;
  for await (const record of pages<{ id?: unknown; objectId?: unknown }>(http, path, {
    limit: String(filter.pageSize),
  })) {
    const id = record.objectId ?? record.id;
    if (typeof id === 'string' || typeof id === 'number') yield String(id);
  }
}

export async function* timelineEvents(http: HubSpotHttp, filter: ExportFilter): AsyncGenerator<WireEvent> {
  for (const objectType of filter.objectTypes) {
    for await (const objectId of recordIds(http, objectType, filter)) {
      const path = `${TIMELINE_READ_PATH}/${encodeURIComponent(objectType)}/${encodeURIComponent(objectId)}/events`;
      yield* pages<WireEvent>(http, path, {
        limit: String(filter.pageSize),
        eventTemplateId: filter.eventTemplateId,
        since: filter.since,
        until: filter.until,
      });
    }
  }
}
