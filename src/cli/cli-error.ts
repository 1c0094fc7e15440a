/**
 * A failure the command line reports and exits on. Every message says what went wrong, why, and
 * how to fix it, so the user never has to read a stack trace.
 */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export class CliError extends Error {
  constructor(
    what: string,
    readonly fix: string,
    readonly exitCode: number = EXIT_FAILURE,
  ) {
    super(what);
    this.name = 'CliError';
  }

  /** `what` then the fix on its own line, as printed to stderr. */
  describe(): string {
    return `${this.message}\n  fix: ${this.fix}`;
  }
}

/** A usage error: a flag or argument that cannot work (exit 2). */
export function usageError(what: string, fix: string): CliError {
  return new CliError(what, fix, EXIT_USAGE);
}

/** One problem of a HubSpot-shaped error (a fixture's, say): its path, then what is wrong (once). */
export function describeDetail(detail: { in?: string | undefined; message: string }): string {
  if (detail.in === undefined || detail.message.startsWith(detail.in)) return detail.message;
  return `${detail.in}: ${detail.message}`;
}
