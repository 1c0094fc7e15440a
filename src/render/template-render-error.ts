import type { RenderFailure } from './render-outcome.js';

/** A template could not be rendered (it should have been refused by `checkTemplateSource`). */
export class TemplateRenderError extends Error {
  constructor(
    readonly templateId: string,
    readonly version: string | number,
    readonly kind: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(
      `Cannot render the ${kind} template of event template ${templateId} (version ${version}): ${reason}`,
      options,
    );
    this.name = 'TemplateRenderError';
  }
}

/** A render went over its bounds (render-budget.ts); `failure` says which. */
export class RenderLimitError extends TemplateRenderError {
  constructor(
    templateId: string,
    version: string | number,
    kind: string,
    readonly failure: RenderFailure,
  ) {
    super(templateId, version, kind, `it ${failure.message}`);
    this.name = 'RenderLimitError';
  }
}
