/**
 * jest's `globalSetup` (`hubspot-timeline-server/jest-global-setup`): one server for the whole run,
 * its connection handed to the test files in environment variables (`TIMELINE_URL`,
 * `TIMELINE_ACCESS_TOKEN`, `TIMELINE_ADMIN_TOKEN`, ...: jest's workers inherit them). Its
 * `globalTeardown` (`hubspot-timeline-server/jest-global-teardown`) closes it, and the setup file
 * `hubspot-timeline-server/jest-setup` resets it before each file.
 */
import { startTimelineServer, type TimelineServer, type TimelineServerOptions } from '../index.js';
import { CONNECTION_ENV, connectionOf } from './connection.js';

/** Where the server waits for the teardown: jest runs both in its main process. */
export const SERVER_KEY = Symbol.for('hubspot-timeline-server.jest');

type Holder = { [SERVER_KEY]?: TimelineServer };

/** A global setup starting the server with these options (a file of your own can export it). */
export function timelineGlobalSetup(options: TimelineServerOptions = {}) {
  return async (): Promise<void> => {
    const server = await startTimelineServer(options);
    (globalThis as Holder)[SERVER_KEY] = server;
    const connection = connectionOf(server);
    for (const [key, name] of Object.entries(CONNECTION_ENV))
      process.env[name] = String(connection[key as keyof typeof connection]);
  };
}

export default timelineGlobalSetup();
