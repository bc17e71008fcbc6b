// Several sessions of the embedded engine, used as one connection. A chDB session runs one
// statement at a time, but sessions on the same data directory share one engine and run side
// by side: two CPU-bound statements took 6.2 s one after the other on one session and 3.2 s
// on two (2 cores). Without this the KPI set's six queries, a dashboard read and an ingest
// insert all queue behind each other on one core while the other idles.
//
// Each call takes a free session, or waits (first come, first served) until one is free — a
// call handed to a busy session would wait behind it even while another session idles.
// Statements that change the session itself (USE, SET) go to every session, so that the pool
// behaves as the one session it stands for.
import { everyCall, type Conn, type ConnCall } from './restartingConnection.ts';

const SESSION_STATE = /^\s*(USE|SET)\s/i;

export function sessionPool(sessions: Conn[]): Conn {
  if (sessions.length === 0) throw new Error('a session pool needs at least one session');
  const idle = new Set(sessions);
  // a waiter wants any session, or (a session-state statement) one in particular
  const waiting: { want?: Conn; resolve: (session: Conn) => void }[] = [];

  const acquire = (want?: Conn): Promise<Conn> => {
    const session = want ? (idle.has(want) ? want : undefined) : idle.values().next().value;
    if (!session) return new Promise((resolve) => waiting.push({ want, resolve }));
    idle.delete(session);
    return Promise.resolve(session);
  };
  const release = (session: Conn) => {
    const next = waiting.findIndex((w) => !w.want || w.want === session);
    if (next < 0) idle.add(session);
    else waiting.splice(next, 1)[0].resolve(session);
  };
  const on = async <T>(want: Conn | undefined, work: (session: Conn) => Promise<T>): Promise<T> => {
    const session = await acquire(want);
    try {
      return await work(session);
    } finally {
      release(session);
    }
  };

  const call =
    <K extends ConnCall>(name: K) =>
    async (params: Parameters<Conn[K]>[0]): Promise<Awaited<ReturnType<Conn[K]>>> => {
      const run = (session: Conn) => (session[name] as (p: typeof params) => ReturnType<Conn[K]>)(params) as Promise<Awaited<ReturnType<Conn[K]>>>;
      const query = (params as { query?: string } | undefined)?.query;
      if (name === 'command' && query !== undefined && SESSION_STATE.test(query)) {
        // every session changes, each when it is free; the first one's answer stands for all
        return (await Promise.all(sessions.map((session) => on(session, run))))[0];
      }
      return on(undefined, run);
    };

  return {
    ...everyCall(call as <K extends ConnCall>(name: K) => Conn[K]),
    // each session closes once its call in hand is done (never under a running statement);
    // the engine shuts down with the last one
    close: async () => void (await Promise.all(sessions.map((session) => on(session, (s) => s.close())))),
  };
}
