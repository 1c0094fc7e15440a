/**
 * vitest's `globalSetup` (`hubspot-timeline-server/vitest`): one server for the whole run, started
 * before the first file and closed after the last, its connection handed to the test files through
 * vitest's own `provide`/`inject` under the key `timeline`. Pair it with the setup file
 * `hubspot-timeline-server/vitest-setup`, which resets the server before each file.
 *
 *   // vitest.config.js
 *   export default { test: {
 *     globalSetup: ['hubspot-timeline-server/vitest'],
 *     setupFiles: ['hubspot-timeline-server/vitest-setup'],
 *     fileParallelism: false,
 *   } };
 */
import { startTimelineServer, type TimelineServerOptions } from '../index.js';
import { connectionOf, type TimelineConnection } from './connection.js';

export type { TimelineConnection } from './connection.js';

declare module 'vitest' {
  interface ProvidedContext {
    timeline: TimelineConnection;
  }
}

/** What vitest hands a global setup (the part used here). */
interface GlobalSetupContext {
  provide(key: 'timeline', value: TimelineConnection): void;
}

/** A global setup starting the server with these options (a file of your own can export it). */
export function timelineGlobalSetup(options: TimelineServerOptions = {}) {
  return async ({ provide }: GlobalSetupContext): Promise<() => Promise<void>> => {
    const server = await startTimelineServer(options);
    provide('timeline', connectionOf(server));
    return () => server.close();
  };
}

export default timelineGlobalSetup();
