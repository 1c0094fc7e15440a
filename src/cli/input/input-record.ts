/** One event as read from an input file, before it is checked or sent. */
export interface InputRecord {
  /**
   * Where the event is in its file, stable across runs: the line for NDJSON and CSV, the element's
   * index (from 1) for a JSON array, whose elements may share a line. Stable ids are derived from it.
   */
  position: number;
  /** The line the event starts on, for messages and the rejects file. */
  line: number;
  /** The parsed value, when it parsed. */
  value?: unknown;
  /** Why it could not be read as JSON or CSV, when it could not. */
  parseError?: string;
}

/** Bytes consumed so far, for progress and time left on files of known size. */
export interface ByteCounter {
  bytes: number;
}
