/**
 * The id an event gets when its input has none: a hash of the id source (by default the file's
 * name) and the event's position in the file. Running the same file again, or resuming it, sends
 * the same ids, and the server answers an identical re-send as a success without a second event
 * (HubSpot answers only an id re-used for another record with `Event ID already in use`): an
 * import never creates anything twice.
 */
import { createHash } from 'node:crypto';

export const STABLE_ID_PREFIX = 'imp-';

export function stableEventId(idSource: string, position: number): string {
  const digest = createHash('sha256').update(`${idSource}\n${position}`).digest('base64url');
  return `${STABLE_ID_PREFIX}${digest.slice(0, 27)}`;
}
