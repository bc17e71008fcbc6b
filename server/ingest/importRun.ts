// Streams an adapter's results to a sink in batches and keeps the tally the CLI prints:
// events read, accepted, duplicates, and rejects grouped by reason (with a few examples).
import type { CtEvent } from '../events/schema.ts';
import type { FutureTimeGuard } from '../events/futureTime.ts';
import type { ImportError, ImportResult } from './importResult.ts';

export type SinkOutcome = { accepted: number; duplicates: number; rejected: { index: number; error: string }[] };

/** Where imported events go: the HTTP ingest API of a running tower, or the embedded pipeline. */
export type EventSink = {
  send: (events: CtEvent[]) => Promise<SinkOutcome>;
  close?: () => Promise<void>;
  /**
   * The last event has been sent: a sink that holds events back to fill a batch stores them
   * now, instead of when its batch timer runs out (5 s of nothing at the end of every import).
   */
  inputEnded?: () => void;
  /** In-process sinks check event times here; a tower behind HTTP checks them itself. */
  futureGuard?: FutureTimeGuard;
};

export type RejectTally = { reason: string; count: number; examples: ImportError[] };
export type ImportSummary = { events: number; accepted: number; duplicates: number; rejected: number; byReason: RejectTally[] };

const EXAMPLES_PER_REASON = 3;

/** Groups reasons that differ only in the values quoted or counted in them. */
export function reasonKey(reason: string): string {
  return reason.replace(/'[^']*'/g, "'…'").replace(/\b\d+\b/g, 'N');
}

export async function runImport(
  results: AsyncIterable<ImportResult>,
  sink: EventSink,
  options: { batchSize?: number; maxInFlight?: number; onProgress?: (summary: ImportSummary) => void } = {},
): Promise<ImportSummary> {
  const batchSize = options.batchSize ?? 1000;
  // Batches sent before the previous ones are answered: the embedded pipeline stores several
  // per insert; the HTTP sink keeps 1 so that events arrive in file order.
  const maxInFlight = options.maxInFlight ?? 1;
  const inFlight = new Set<Promise<void>>();
  const summary: ImportSummary = { events: 0, accepted: 0, duplicates: 0, rejected: 0, byReason: [] };
  const tallies = new Map<string, RejectTally>();
  const reject = (error: ImportError) => {
    summary.rejected++;
    const key = reasonKey(error.reason);
    let tally = tallies.get(key);
    if (!tally) {
      tally = { reason: key, count: 0, examples: [] };
      tallies.set(key, tally);
      summary.byReason.push(tally);
    }
    tally.count++;
    if (tally.examples.length < EXAMPLES_PER_REASON) tally.examples.push(error);
  };
  let batch: CtEvent[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const sent = batch;
    batch = [];
    const done: Promise<void> = sink.send(sent).then((outcome) => {
      inFlight.delete(done);
      summary.accepted += outcome.accepted;
      summary.duplicates += outcome.duplicates;
      for (const { index, error } of outcome.rejected) reject({ where: `event ${sent[index]?.id ?? index}`, reason: `refused by the tower: ${error}` });
      options.onProgress?.(summary);
    });
    // The failure surfaces through race/all below; this only keeps a second failing batch from being "unhandled".
    done.catch(() => undefined);
    inFlight.add(done);
    if (inFlight.size >= maxInFlight) await Promise.race(inFlight);
  };
  for await (const result of results) {
    if ('error' in result) {
      reject(result.error);
      continue;
    }
    const tooFarAhead = sink.futureGuard?.(result.event);
    if (tooFarAhead) {
      reject({ where: result.where ?? `event ${result.event.id}`, reason: tooFarAhead });
      continue;
    }
    summary.events++;
    batch.push(result.event);
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  sink.inputEnded?.();
  await Promise.all(inFlight);
  await sink.close?.();
  summary.byReason.sort((a, b) => b.count - a.count);
  return summary;
}
