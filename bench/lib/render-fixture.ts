/**
 * The template and events the render benchmarks share: HubSpot's documented webinar example, with
 * a header link, a formatted date and an each-loop over extraData, 100 events whose values differ.
 */
export const template = {
  id: '1000001',
  version: 1,
  headerTemplate:
    'Registered for [{{webinarName}}](https://example.com/webinars/{{webinarId}}) as **{{tier}}**',
  detailTemplate:
    'Registration occurred at {{#formatDate timestamp}}{{/formatDate}}\n\n#### Questions\n{{#each extraData.questions}}\n  **{{question}}**: {{answer}}\n{{/each}}\n\nEDIT',
};
export const events = Array.from({ length: 100 }, (_, i) => ({
  tokens: { webinarName: `Webinar <${i}>`, webinarId: String(i), tier: i % 2 ? 'paid' : 'free' },
  timestamp: 1580408005000 + i * 60_000,
  extraData: {
    questions: [
      { question: "Who's a good kitty?", answer: `Purr ${i}` },
      { question: 'Will you stop playing with that?', answer: 'Meow!' },
    ],
  },
}));
