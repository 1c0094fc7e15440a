/** What the record timeline suites share: their template and a read of a contact's timeline. */
import type { TestServer } from '../helpers/test-server.js';

/** An order with a product token and a note in extraData, so filters and search have text to match. */
export const ORDER_TEMPLATE = {
  name: 'Order',
  objectType: 'contacts',
  headerTemplate: 'Ordered **{{product}}**',
  detailTemplate: 'Note: {{extraData.note}}',
  tokens: [{ name: 'product', label: 'Product', type: 'string' }],
};

/** `GET /_timeline/v1/objects/contacts/{objectId}/events{query}`, with the server's token unless given. */
export function readContactTimeline(server: TestServer, objectId: string, query = '', token?: string) {
  return server.request(
    'GET',
    `/_timeline/v1/objects/contacts/${objectId}/events${query}`,
    token ? { token } : {},
  );
}
