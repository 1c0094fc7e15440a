/**
 * A `node:test` helper (`hubspot-timeline-server/node-test`): in a test file (node --test runs
 * each in its own process), `useTimelineServer()` starts a server before the file's tests, resets it
 * before each test, and closes it after them; the handle gives the server once it has started.
 *
 *   import { useTimelineServer } from 'hubspot-timeline-server/node-test';
 *   const timeline = useTimelineServer();
 *   test('...', async () => { await fetch(`${timeline.server.url}/...`); });
 */
import { after, before, beforeEach } from 'node:test';
import { startTimelineServer, type TimelineServer, type TimelineServerOptions } from '../index.js';

export interface TimelineServerHandle {
  /** The running server (its url, credentials and methods); throws before the file's `before` ran. */
  readonly server: TimelineServer;
}

export function useTimelineServer(
  options: TimelineServerOptions & { resetBeforeEach?: boolean } = {},
): TimelineServerHandle {
  const { resetBeforeEach = true, ...serverOptions } = options;
  let server: TimelineServer | undefined;
  before(async () => {
    server = await startTimelineServer(serverOptions);
  });
  if (resetBeforeEach) beforeEach(() => server?.reset());
  after(() => server?.close());
  return {
    get server(): TimelineServer {
      if (!server) throw new Error('the timeline server starts in before(): use it inside a test or hook');
      return server;
    },
  };
}
