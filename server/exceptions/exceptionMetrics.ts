// The exception book's size on /metrics: active exceptions by type, and the closed ones kept
// in memory for reopen. The book holds every active exception in memory, so this is the gauge
// to watch beside the process's memory when the queue grows (nobody works it, or a detector
// opens more than the sources ever resolve).
import { Gauge, type Registry } from 'prom-client';
import type { ExceptionBook } from './book.ts';

export function registerExceptionMetrics(registry: Registry, book: ExceptionBook): void {
  new Gauge({
    name: 'ct_exceptions_active',
    help: 'Exceptions in a non-final state, held in memory by the exception book, by type',
    labelNames: ['type'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [type, n] of book.activeCountByType()) this.set({ type }, n);
    },
  });
  new Gauge({
    name: 'ct_exceptions_closed_in_memory',
    help: 'Recently closed exceptions the book keeps in memory (bounded) so a reopen or a detail read needs no query',
    registers: [registry],
    collect() {
      this.set(book.closedInMemory);
    },
  });
}
