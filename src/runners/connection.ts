/**
 * How a test runner's global setup hands the server to the test files, which run in other workers
 * or processes than the one the server lives in: its address and credentials (`TimelineConnection`),
 * and the reset a file asks for over the admin API before it starts.
 */
import type { TimelineServer } from '../index.js';

/** Where the server listens and the credentials of its provisioned portal and app. */
export interface TimelineConnection {
  url: string;
  portalId: number;
  appId: number;
  accessToken: string;
  developerApiKey: string;
  adminToken: string;
}

/** The environment variables a jest global setup hands the connection on in (workers inherit them). */
export const CONNECTION_ENV = {
  url: 'TIMELINE_URL',
  portalId: 'TIMELINE_PORTAL_ID',
  appId: 'TIMELINE_APP_ID',
  accessToken: 'TIMELINE_ACCESS_TOKEN',
  developerApiKey: 'TIMELINE_DEVELOPER_API_KEY',
  adminToken: 'TIMELINE_ADMIN_TOKEN',
} as const satisfies Record<keyof TimelineConnection, string>;

export function connectionOf(server: TimelineServer): TimelineConnection {
  const { url, portalId, appId, accessToken, developerApiKey, adminToken } = server;
  return { url, portalId, appId, accessToken, developerApiKey, adminToken };
}

/** `POST /_admin/v1/reset`: the server back to the state right after start. */
export async function resetOver(connection: Pick<TimelineConnection, 'url' | 'adminToken'>): Promise<void> {
  const response = await fetch(`${connection.url}/_admin/v1/reset`, {
    method: 'POST',
    headers: { authorization: `Bearer ${connection.adminToken}` },
  });
  if (!response.ok)
    throw new Error(`resetting the timeline server failed: ${response.status} ${await response.text()}`);
}
