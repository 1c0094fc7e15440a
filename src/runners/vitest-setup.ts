/**
 * vitest setup file (`hubspot-timeline-server/vitest-setup`): before each test file, the server the
 * global setup started goes back to the state right after start, so files do not see each other's
 * data. Files then share one server in turn: run them one at a time (`fileParallelism: false`).
 */
import { beforeAll, inject } from 'vitest';
import { resetOver } from './connection.js';

beforeAll(() => resetOver(inject('timeline')));
