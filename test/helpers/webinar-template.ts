/**
 * The one event template the suites and benchmarks share, in the wire shape of a create request:
 * a stamped string token, a string, a number, a date and an enumeration, and a detail template
 * reading `extraData`. Tests that need another shape spread it and override what they need.
 */
export const webinarTemplate = {
  name: 'Webinar registration',
  objectType: 'contacts',
  headerTemplate: 'Registered for [{{webinarName}}](https://example.com/webinars/{{webinarId}})',
  detailTemplate:
    'Registration occurred at {{#formatDate timestamp}}{{/formatDate}}\n\n{{#if extraData.note}}Note: {{extraData.note}}{{/if}}',
  tokens: [
    { name: 'webinarName', label: 'Webinar name', type: 'string', objectPropertyName: 'last_webinar' },
    { name: 'webinarId', label: 'Webinar id', type: 'string' },
    { name: 'seats', label: 'Seats', type: 'number' },
    { name: 'registeredOn', label: 'Registered on', type: 'date' },
    {
      name: 'tier',
      label: 'Tier',
      type: 'enumeration',
      options: [
        { label: 'Free', value: 'free' },
        { label: 'Paid', value: 'paid' },
      ],
    },
  ],
} as const;
