/**
 * The connection pool and the few helpers every PostgreSQL file shares: a query runner type (a pool
 * or one checked-out client) and transactions. Driver errors are translated in `postgres-errors.ts`.
 */
import pg from 'pg';

/** What the store files need of a pool or a client: parameterised (optionally named) queries. */
export interface Sql {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(config: pg.QueryConfig): Promise<pg.QueryResult<R>>;
}

/** A statement with a name, so each connection parses and plans it once (hot paths). */
export interface Statement {
  name: string;
  text: string;
}

export async function run<R extends pg.QueryResultRow>(
  sql: Sql,
  statement: Statement,
  values: unknown[],
): Promise<R[]> {
  return (await sql.query<R>({ name: statement.name, text: statement.text, values })).rows;
}

export interface PoolOptions {
  poolSize: number;
  /** A schema to use instead of the URL's search_path; created by migrate() when missing. */
  schema?: string;
  /** How long to wait for a new connection before the call fails as unavailable (default 10 s). */
  connectTimeoutMs?: number;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]*$/;

export function createPool(url: string, options: PoolOptions): pg.Pool {
  if (options.schema !== undefined && !SCHEMA_NAME.test(options.schema)) {
    throw new Error(`invalid schema name '${options.schema}': use lower-case letters, digits and _`);
  }
  // BIGINT (ids, epoch ms) comes back as a JS number, for this pool only: every value we store fits
  // in 2^53 (ids are at most 15 digits, times are epoch milliseconds).
  const types = new pg.TypeOverrides();
  types.setTypeParser(pg.types.builtins.INT8, Number);
  const config: pg.PoolConfig = {
    connectionString: options.schema === undefined ? url : withSearchPath(url, options.schema),
    max: options.poolSize,
    types,
    // Without a timeout a request waits forever when PostgreSQL does not answer at all.
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
  };
  const pool = new pg.Pool(config);
  // An idle client whose connection dies (PostgreSQL restarted) emits 'error' on the pool; without a
  // listener that would crash the process. The pool drops that client and opens a new one when next
  // needed, so there is nothing else to do here.
  pool.on('error', () => {});
  // pg-pool listens for the errors of idle clients only. A client checked out for a
  // transaction whose connection dies between two queries emits 'error' with no listener, and that
  // killed the whole process (found by test/reliability/postgres-outage-ingestion.test.ts). The
  // query that was running or is sent next fails all the same, so the transaction is answered as
  // unavailable and the broken client is destroyed on release (`transaction` below); this listener
  // only keeps the process alive.
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });
  return pool;
}

/** How long `endWhenIdle` waits for work in flight before it ends the pool regardless. */
const DRAIN_LIMIT_MS = 10_000;

/**
 * Ends the pool once the work already handed to it is done (graceful shutdown): pg's
 * `end()` never serves a call still waiting for a connection, so that call would hang unanswered,
 * and it cuts nothing that holds a client either. So: wait until no call waits and every client is
 * idle again (bounded, in case PostgreSQL itself stopped answering), then end.
 */
export async function endWhenIdle(pool: pg.Pool): Promise<void> {
  const deadline = performance.now() + DRAIN_LIMIT_MS;
  while ((pool.waitingCount > 0 || pool.idleCount < pool.totalCount) && performance.now() < deadline) {
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        pool.off('release', done).off('remove', done);
        resolve();
      };
      const timer = setTimeout(done, 20);
      pool.once('release', done).once('remove', done);
    });
  }
  await pool.end();
}

/**
 * The first schema of the search path a URL sets (`?options=-c search_path=timeline`), when it is a
 * plain lower-case name: migrate() creates it when missing, as docs/scaling.md promises. A quoted or
 * unusual name is left to PostgreSQL (and to whoever made it).
 */
export function searchPathSchema(url: string): string | undefined {
  let options: string | null;
  try {
    options = new URL(url).searchParams.get('options');
  } catch {
    return undefined;
  }
  const first = options && /-c\s*search_path\s*=\s*([^\s,]+)/.exec(options)?.[1];
  return first && SCHEMA_NAME.test(first) ? first : undefined;
}

/**
 * The URL with `-c search_path=<schema>` added to its `options` parameter: a startup parameter, not
 * a `SET` after connecting, so it costs no round trip and holds for every connection the pool ever
 * opens. It must go in the URL: pg lets the URL's parameters override the config object's.
 */
function withSearchPath(url: string, schema: string): string {
  const parsed = new URL(url);
  const given = parsed.searchParams.get('options');
  parsed.searchParams.set('options', `${given ? `${given} ` : ''}-c search_path=${schema}`);
  return parsed.toString();
}

/**
 * Runs `work` in one transaction on one client: commits when it returns, rolls back and rethrows
 * when it throws. A client whose connection broke is destroyed rather than returned to the pool.
 */
export async function transaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    try {
      await client.query('ROLLBACK');
    } catch (rollbackError) {
      broken = rollbackError as Error;
    }
    throw error;
  } finally {
    client.release(broken);
  }
}

/** SQLSTATEs worth running a whole transaction again for: nothing of it was committed. */
const RETRYABLE = new Set(['40P01', '40001']); // deadlock_detected, serialization_failure

export function isRetryable(error: unknown): boolean {
  return RETRYABLE.has((error as { code?: unknown } | null)?.code as string);
}

/** SQLSTATE 23505 on the named unique index: a concurrent transaction took the value first. */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  const e = error as { code?: unknown; constraint?: unknown } | null;
  return e?.code === '23505' && e.constraint === constraint;
}
