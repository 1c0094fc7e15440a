/** A template could not be rendered (it should have been refused by `checkTemplateSource`). */
export class TemplateRenderError extends Error {
  constructor(
    readonly templateId: string,
    readonly version: string | number,
    readonly kind: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(
      `Cannot render the ${kind} template of event template ${templateId} (version ${version}): ${reason}`,
      options,
    );
    this.name = 'TemplateRenderError';
  }
}
