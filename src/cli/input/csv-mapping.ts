/**
 * How CSV columns become event fields: `--map column=field`, where field is one of HubSpot's
 * TimelineEvent fields, `tokens.NAME` or `extraData.PATH`. A column named like a field maps to it
 * without a flag (so `events export --format csv` imports back as it is); `--map column=` leaves a
 * column out. Empty cells are absent fields, as a missing token is allowed.
 */
import { TOKEN_NAME_PATTERN } from '../../domain/types.js';
import { usageError } from '../cli-error.js';

const PLAIN_FIELDS = ['eventTemplateId', 'email', 'objectId', 'utk', 'domain', 'id', 'timestamp'] as const;
/** Whole-value columns holding JSON (what export writes for nested values). */
const JSON_FIELDS = ['extraData', 'timelineIFrame'] as const;

type Target =
  | { kind: 'plain'; field: string }
  | { kind: 'json'; field: string }
  | { kind: 'token'; name: string }
  | { kind: 'extraData'; path: string[] };

export interface CsvMapping {
  /** Column name to target; columns not here are left out. */
  columns: Map<string, Target>;
}

/** Reads one field name of `--map`; undefined when it is not one. */
function target(field: string): Target | undefined {
  if ((PLAIN_FIELDS as readonly string[]).includes(field)) return { kind: 'plain', field };
  if ((JSON_FIELDS as readonly string[]).includes(field)) return { kind: 'json', field };
  if (field.startsWith('tokens.')) {
    const name = field.slice('tokens.'.length);
    return TOKEN_NAME_PATTERN.test(name) ? { kind: 'token', name } : undefined;
  }
  if (field.startsWith('extraData.')) {
    const path = field.slice('extraData.'.length).split('.');
    return path.every((part) => part !== '') ? { kind: 'extraData', path } : undefined;
  }
  return undefined;
}

/** Parses the `--map` flags (each `column=field`); usage errors name the bad one. */
export function parseMapFlags(flags: readonly string[]): Map<string, Target | null> {
  const explicit = new Map<string, Target | null>();
  for (const flag of flags) {
    const at = flag.lastIndexOf('=');
    if (at <= 0) {
      throw usageError(
        `--map '${flag}' is not column=field`,
        "write it as --map 'Column name=tokens.plan' (the CSV header, '=', the event field)",
      );
    }
    const column = flag.slice(0, at);
    const field = flag.slice(at + 1);
    if (field === '') {
      explicit.set(column, null);
      continue;
    }
    const mapped = target(field);
    if (!mapped) {
      throw usageError(
        `--map '${flag}': '${field}' is not an event field`,
        `map to one of ${PLAIN_FIELDS.join(', ')}, ${JSON_FIELDS.join(', ')}, tokens.NAME or extraData.PATH`,
      );
    }
    explicit.set(column, mapped);
  }
  return explicit;
}

/**
 * The mapping for a file's header: explicit `--map`s first, then columns named like a field.
 * Returns the columns left out too, so the command can say so.
 */
export function mappingFor(
  header: readonly string[],
  explicit: Map<string, Target | null>,
): { mapping: CsvMapping; ignored: string[] } {
  const columns = new Map<string, Target>();
  const ignored: string[] = [];
  for (const column of explicit.keys()) {
    if (!header.includes(column)) {
      throw usageError(
        `--map names the column '${column}', which the CSV header does not have`,
        `use one of the header's columns: ${header.join(', ')}`,
      );
    }
  }
  for (const column of header) {
    const mapped = explicit.has(column) ? explicit.get(column) : target(column);
    if (mapped) columns.set(column, mapped);
    else ignored.push(column);
  }
  return { mapping: { columns }, ignored };
}

/** One CSV row as a TimelineEvent input. A JSON column that does not parse is a reject. */
export function rowToEvent(row: Record<string, string>, mapping: CsvMapping): Record<string, unknown> {
  const event: Record<string, unknown> = {};
  for (const [column, mapped] of mapping.columns) {
    const cell = row[column];
    if (cell === undefined || cell === '') continue;
    switch (mapped.kind) {
      case 'plain':
        event[mapped.field] = cell;
        break;
      case 'json':
        try {
          event[mapped.field] = JSON.parse(cell);
        } catch {
          throw new SyntaxError(
            `column '${column}' must hold JSON for ${mapped.field}, got '${cell.slice(0, 80)}'`,
          );
        }
        break;
      case 'token': {
        const tokens = (event.tokens ?? {}) as Record<string, unknown>;
        tokens[mapped.name] = cell;
        event.tokens = tokens;
        break;
      }
      case 'extraData':
        setPath(event, ['extraData', ...mapped.path], cell);
        break;
    }
  }
  // HubSpot requires `tokens`, possibly empty; a row whose token cells are all empty has none.
  event.tokens ??= {};
  return event;
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: string): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next === 'object' && next !== null && !Array.isArray(next))
      node = next as Record<string, unknown>;
    else {
      const created: Record<string, unknown> = {};
      node[key] = created;
      node = created;
    }
  }
  node[path[path.length - 1] as string] = value;
}
