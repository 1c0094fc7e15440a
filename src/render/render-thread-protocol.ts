/** The messages between the HTTP thread and the render thread (render-thread.ts). */
import type { RenderOutcome } from './render-outcome.js';
import type { RenderableEvent, RenderableTemplate, TemplateKind } from './renderer.js';

export interface RenderRequest {
  template: RenderableTemplate;
  event: RenderableEvent;
  kind: TemplateKind;
  timeZone: string;
}

export interface RenderJob extends RenderRequest {
  id: number;
}

export type RenderReply =
  /** Sent once, when the thread has loaded and takes jobs (its start is not a render's time). */
  | { ready: true }
  | { id: number; outcome: RenderOutcome }
  /** The template cannot be compiled (a TemplateRenderError's reason). */
  | { id: number; problem: string }
  /** One of Handlebars' warnings, for the server's log. */
  | { log: { level: 'warn' | 'error' | 'info' | 'debug'; message: string } };
