// An event stamped far ahead of the server's clock comes from a producer whose clock is
// wrong. Stored, it would move the detectors' event-time watermark on by that much — every
// shipment promise up to it would pass at once — and a restart would replay the wrong
// window. Such events are refused by name instead (HTTP ingest, EDI, file imports).
import type { CtEvent } from './schema.ts';

/** Why `event` is refused, or undefined when its time is acceptable. */
export type FutureTimeGuard = (event: CtEvent) => string | undefined;

export function futureTimeGuard(now: () => number, maxAheadMinutes: number): FutureTimeGuard {
  const maxAheadMs = maxAheadMinutes * 60_000;
  return (event) => {
    const clock = now();
    const ahead = Date.parse(event.ts) - clock;
    if (ahead <= maxAheadMs) return undefined;
    return `ts ${event.ts} is ${describe(ahead)} ahead of the server clock (${new Date(clock).toISOString()}); at most ${maxAheadMinutes} min is taken — check the producer's clock`;
  };
}

function describe(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} h` : `${Math.round(hours / 24)} days`;
}
