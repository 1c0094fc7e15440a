/**
 * The render thread: renders what the HTTP thread hands over (render-runner.ts) with the full
 * limits, so a long render (a large text through Markdown, a template compiled for the first time)
 * never holds up HTTP. Renders one job at a time, in order; its own compiled-template and shape
 * caches, no rendered-HTML cache (the HTTP thread keeps the outcome).
 */
import { parentPort } from 'node:worker_threads';
import type { RenderJob, RenderReply } from './render-thread-protocol.js';
import { RENDER_LIMITS, Renderer } from './renderer.js';
import { setTemplateLog } from './template-engine.js';
import { TemplateRenderError } from './template-render-error.js';

const port = parentPort;
if (port === null) throw new Error('render-thread.ts runs as a worker thread only');

const renderer = new Renderer({ renderedCacheSize: 1 });
const reply = (message: RenderReply) => port.postMessage(message);
setTemplateLog((level, message) => reply({ log: { level, message } }));

// Warm up (Handlebars' compiler, Markdown, the sanitiser) before saying ready: the backstop times
// renders, not the thread's first use of its code.
renderer.attempt(
  {
    id: 'warm-up',
    version: 0,
    headerTemplate: '**{{a}}** {{#each b}}[{{this}}](/x){{/each}}',
    detailTemplate: '',
  },
  { tokens: { a: 'a' }, timestamp: 0, extraData: undefined },
  'header',
  'UTC',
  RENDER_LIMITS,
);
reply({ ready: true });

port.on('message', (job: RenderJob) => {
  try {
    reply({
      id: job.id,
      outcome: renderer.attempt(job.template, job.event, job.kind, job.timeZone, RENDER_LIMITS),
    });
  } catch (err) {
    const problem = err instanceof TemplateRenderError ? err.reason : String(err);
    reply({ id: job.id, problem });
  }
});
