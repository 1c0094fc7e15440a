/**
 * Which CRM record an event is about, by HubSpot's precedence: the same for v3 events and app event
 * occurrences.
 */
import { ApiError } from '../../errors.js';
import { contactEmail } from '../contact-email.js';
import type { RecordRef } from '../store.js';

/** HubSpot's precedence for contacts: objectId, then utk, then email. Other types need objectId. */
export function recordRef(
  objectType: string,
  given: {
    id: string;
    objectId: string | undefined;
    email: string | undefined;
    utk: string | undefined;
    domain: string | undefined;
  },
): RecordRef {
  const { objectId, utk, domain } = given;
  // The record gets the email in lower case (HubSpot's rule); the event echoes it as sent.
  const email = given.email === undefined ? undefined : contactEmail(given.email);
  if (objectId !== undefined) {
    const ref: RecordRef = { by: 'objectId', objectId };
    if (email !== undefined) ref.email = email;
    if (domain !== undefined) ref.domain = domain;
    return ref;
  }
  if (objectType === 'contacts') {
    if (utk !== undefined) return email === undefined ? { by: 'utk', utk } : { by: 'utk', utk, email };
    if (email !== undefined) return { by: 'email', email };
  }
  const identifiers = objectType === 'contacts' ? 'objectId, utk or email' : 'objectId';
  throw new ApiError(
    'RECORD_IDENTIFIER_MISSING',
    { id: given.id, identifiers },
    {
      details: [
        {
          message: `${objectType} events need ${identifiers}`,
          code: 'REQUIRED_FIELD',
          in: 'objectId',
        },
      ],
    },
  );
}
