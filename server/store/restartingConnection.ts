// The embedded engine checks its parts when it starts: a part it cannot read — a merge
// committed with an empty marks file while the disk was full, seen in the disk-full chaos
// test on events and on the dedupe index — is moved to detached/ (broken-on-start) and the
// parts it was merged from, still on disk as outdated parts, become active again, so no row
// is lost. While it runs, the engine only fails every read of such a part, and intake would
// refuse writes for as long as the process lives. This connection gives the running process
// that start-up check: a read error naming a damaged part closes the engine and opens it
// again — new calls wait meanwhile, calls in flight finish first (a session is never closed
// under a running query) — and the failing call's caller sees an error it already retries.
import type { createClient } from '@clickhouse/client';

/** The client's backend connection interface (query, insert, command, exec, ping, close). */
export type Conn = NonNullable<NonNullable<Parameters<typeof createClient>[0]>['connection']>;

export type ConnCall = 'query' | 'insert' | 'command' | 'exec' | 'ping';

/** Every call of a connection made by one wrapper (`call` gives the method of that name). */
export const everyCall = (call: <K extends ConnCall>(name: K) => Conn[K]): Pick<Conn, ConnCall> => ({
  query: call('query'),
  insert: call('insert'),
  command: call('command'),
  exec: call('exec'),
  ping: call('ping'),
});

export type Statement = { query: string; query_params?: Record<string, unknown>; clickhouse_settings?: Record<string, unknown> };

/** The connection with each statement's parameters rewritten before it reaches `conn` (inserts only when `inserts`). */
export const rewritingStatements = (conn: Conn, rewrite: <P extends Statement>(params: P) => P, opts: { inserts: boolean }): Conn => ({
  query: (params) => conn.query(rewrite(params)),
  command: (params) => conn.command(rewrite(params)),
  exec: (params) => conn.exec(rewrite(params)),
  insert: (params) => conn.insert(opts.inserts ? rewrite(params) : params),
  ping: (params) => conn.ping(params),
  close: () => conn.close(),
});

/** Engine messages of a part whose files are damaged, not of a query that merely failed on one. */
const DAMAGED = /Empty marks file|Cannot read all (data|marks)|[Cc]hecksum doesn't match|Unexpected end of file|Bad size of marks file|No such file or directory/;
const PART = /while reading from part \S+\/([^/\s]+)\/ in table (\w+)\.(\w+)/;

/** The table and part a read error names when the part's files are damaged. */
export function damagedPart(err: unknown): { table: string; part: string } | undefined {
  const message = String((err as Error)?.message ?? '');
  const m = PART.exec(message);
  return m && DAMAGED.test(message) ? { table: m[3], part: m[1] } : undefined;
}

export type RestartEvents = {
  /** A damaged part was read: the engine restarts. */
  restarting(why: { table: string; part: string }): void;
  /** The engine is open again and prepared; the calls that waited go on. */
  restarted(ms: number): void;
  /** The restart was given up (calls in flight did not finish, or the engine did not open). */
  failed(err: Error): void;
};

export type RestartingConnection = Conn & {
  restarts(): number;
  /** Listens to restarts; returns the function that stops listening. */
  on(listener: Partial<RestartEvents>): () => void;
};

type Options = {
  open: () => Conn;
  /**
   * Run on each new session before any waiting call goes on (the session's USE database, and
   * whatever must be repaired before anyone reads again); a failure fails the restart.
   */
  prepare: (conn: Conn) => Promise<void>;
  /** How long a restart waits for calls in flight before it gives up (a later damaged read tries again). */
  drainTimeoutMs?: number;
  /** No two restarts closer than this: a part still unreadable after a restart must not make a loop of them. */
  minIntervalMs?: number;
};

export function restartingConnection(opts: Options): RestartingConnection {
  const drainTimeoutMs = opts.drainTimeoutMs ?? 60_000;
  const listeners = new Set<Partial<RestartEvents>>();
  const emit = <K extends keyof RestartEvents>(event: K, ...args: Parameters<RestartEvents[K]>) =>
    listeners.forEach((l) => (l[event] as ((...a: typeof args) => void) | undefined)?.(...args));
  let current = opts.open();
  let closed = false; // the old session is closed and a new one has not opened (yet)
  let inFlight = 0;
  let drained: (() => void) | undefined;
  let gate: Promise<void> | undefined; // set while restarting: new calls wait on it
  let lastRestartAt = -Infinity;
  let restarts = 0;

  /** Runs `work` while new calls wait, once the calls in flight have finished. */
  const exclusively = async (work: () => Promise<void>) => {
    let release!: () => void;
    gate = new Promise<void>((r) => (release = r));
    try {
      if (inFlight > 0) {
        const settled = new Promise<boolean>((r) => (drained = () => r(true)));
        const timeout = new Promise<boolean>((r) => setTimeout(() => r(false), drainTimeoutMs).unref());
        if (!(await Promise.race([settled, timeout]))) throw new Error(`${inFlight} engine calls still running after ${drainTimeoutMs} ms; the engine was not restarted`);
      }
      await work();
    } finally {
      drained = undefined;
      gate = undefined;
      release();
    }
  };
  const openAgain = async () => {
    const conn = opts.open();
    try {
      await opts.prepare(conn);
    } catch (err) {
      await conn.close(); // the next call opens a fresh one: never two sessions at once
      throw err;
    }
    current = conn;
    closed = false;
  };

  const restart = async (why: { table: string; part: string }) => {
    if (gate || performance.now() - lastRestartAt < (opts.minIntervalMs ?? 30_000)) return;
    lastRestartAt = performance.now();
    emit('restarting', why);
    const started = performance.now();
    try {
      await exclusively(async () => {
        await current.close();
        closed = true;
        await openAgain();
      });
      restarts++;
      emit('restarted', Math.round(performance.now() - started));
    } catch (err) {
      emit('failed', err as Error);
    }
  };

  const call =
    <K extends ConnCall>(name: K) =>
    async (params: Parameters<Conn[K]>[0]): Promise<Awaited<ReturnType<Conn[K]>>> => {
      // after a restart whose engine did not open, each call tries to open it (and fails with why)
      while (gate || closed) await (gate ?? exclusively(openAgain));
      inFlight++;
      try {
        return (await (current[name] as (p: typeof params) => ReturnType<Conn[K]>)(params)) as Awaited<ReturnType<Conn[K]>>;
      } catch (err) {
        const damaged = damagedPart(err);
        if (damaged) setImmediate(() => void restart(damaged));
        throw err;
      } finally {
        if (--inFlight === 0) drained?.();
      }
    };

  return {
    ...everyCall(call as <K extends ConnCall>(name: K) => Conn[K]),
    close: async () => {
      while (gate) await gate;
      if (!closed) await current.close();
    },
    restarts: () => restarts,
    on: (listener) => (listeners.add(listener), () => listeners.delete(listener)),
  };
}
