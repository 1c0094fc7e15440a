/**
 * jest setup file (`setupFilesAfterEnv: ['hubspot-timeline-server/jest-setup']`): before each test
 * file, the server of the global setup goes back to the state right after start. CommonJS, so jest
 * loads it without its experimental ESM mode; files share one server in turn (`maxWorkers: 1`).
 */
// jest's global, present in every test file's environment.
declare const beforeAll: (fn: () => Promise<void>) => void;

beforeAll(async () => {
  const url = process.env.TIMELINE_URL;
  const adminToken = process.env.TIMELINE_ADMIN_TOKEN;
  if (!url || !adminToken) {
    throw new Error('TIMELINE_URL is not set: add hubspot-timeline-server/jest-global-setup as globalSetup');
  }
  const response = await fetch(`${url}/_admin/v1/reset`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}` },
  });
  if (!response.ok) throw new Error(`resetting the timeline server failed: ${response.status}`);
});

export {};
