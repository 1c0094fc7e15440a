/**
 * HubSpot keeps a contact's email in lower case (and without surrounding space): whatever sets it
 * (a CRM create or update, an event's `email`) stores it so, and finding by email compares so.
 */
export function contactEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The properties with `email` lower-cased, for a contact; other types keep theirs as sent. */
export function withContactEmail(
  objectType: string,
  properties: Record<string, string>,
): Record<string, string> {
  if (objectType !== 'contacts' || properties.email === undefined) return properties;
  return { ...properties, email: contactEmail(properties.email) };
}
