// Prometheus metrics of the ingest path (/metrics).
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { IngestPipeline } from '../pipeline/pipeline.ts';
import { mirroredCounter } from '../mirroredCounter.ts';

export type IngestMetrics = ReturnType<typeof createIngestMetrics>;

export function createIngestMetrics(registry: Registry, pipeline: IngestPipeline) {
  const mirror = (name: string, help: string, read: () => number) => mirroredCounter(registry, name, help, read);
  mirror('ct_events_accepted_total', 'Events stored', () => pipeline.stats.accepted);
  mirror('ct_events_duplicates_total', 'Events recognised as duplicates and not stored again', () => pipeline.stats.duplicates);
  mirror('ct_batch_failures_total', 'Batches that could not be stored (their requests were answered 503)', () => pipeline.stats.failedBatches);
  const rejected = new Counter({ name: 'ct_events_rejected_total', help: 'Events rejected by validation', registers: [registry] });
  const insertSeconds = new Histogram({
    name: 'ct_batch_insert_seconds',
    help: 'Latency of one batch dedupe + insert into ClickHouse',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  new Gauge({
    name: 'ct_ingest_queue_depth',
    help: 'Events accepted for processing but not yet stored',
    registers: [registry],
    collect() {
      this.set(pipeline.stats.queueDepth);
    },
  });
  pipeline.stored$.subscribe((batch) => insertSeconds.observe(batch.insertMs / 1000));
  return { rejected, insertSeconds };
}
