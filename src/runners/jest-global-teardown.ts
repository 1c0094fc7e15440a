/** jest's `globalTeardown` (`hubspot-timeline-server/jest-global-teardown`): closes the global setup's server. */
import type { TimelineServer } from '../index.js';
import { SERVER_KEY } from './jest-global-setup.js';

export default async function timelineGlobalTeardown(): Promise<void> {
  const holder = globalThis as { [SERVER_KEY]?: TimelineServer };
  await holder[SERVER_KEY]?.close();
  delete holder[SERVER_KEY];
}
