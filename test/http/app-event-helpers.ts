/** An hsmeta document shaped like HubSpot's own project template (`app-events` component). */
export function hsmeta(overrides: Record<string, unknown> = {}, config: Record<string, unknown> = {}) {
  return {
    uid: 'course_enrollment',
    type: 'app-event',
    config: {
      name: 'Course enrollment',
      objectType: 'CONTACT',
      headerTemplate: 'Enrolled in [{{courseName}}](https://courses.example.com/c/{{courseId}})',
      detailTemplate: 'Enrolled at {{#formatDate timestamp}}{{/formatDate}}',
      properties: [
        { name: 'courseName', label: 'Course name', type: 'string' },
        { name: 'courseId', label: 'Course id', type: 'string' },
        { name: 'seats', label: 'Seats', type: 'number' },
        { name: 'startsOn', label: 'Starts on', type: 'date' },
        {
          name: 'format',
          label: 'Format',
          type: 'enumeration',
          options: [
            { value: 'live', label: 'Live' },
            { value: 'recorded', label: 'Recorded' },
          ],
        },
      ],
      ...config,
    },
    ...overrides,
  };
}
