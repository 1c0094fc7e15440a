/**
 * What a render gives: the HTML, or why there is none. A failure over the render's bounds is an
 * answer like the HTML (cached with it, shown in its place), not an exception that fails a whole
 * timeline page.
 */

/**
 * - `output`, `steps`, `html`: over a deterministic bound (render-budget.ts); the same on every run.
 * - `time`: the render thread's wall-clock backstop stopped it (render-thread-client.ts).
 * - `crashed`: the render thread stopped while rendering it (out of its memory).
 * - `busy`: too many renders were waiting for the render thread; not cached, try again.
 * - `template`: the stored template cannot be compiled (it was stored before a rule refused it).
 */
export type FailureReason = 'output' | 'steps' | 'html' | 'time' | 'crashed' | 'busy' | 'template';

export interface RenderFailure {
  reason: FailureReason;
  /** What went over, as the end of "its detail template …": `renders more than 65,536 characters`. */
  message: string;
}

export type RenderOutcome =
  | { html: string; failure?: undefined }
  | { html?: undefined; failure: RenderFailure };
