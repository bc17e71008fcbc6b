// A Prometheus counter that mirrors a running total kept elsewhere (the pipeline's stats, the
// engine's restarts): that total is the source of truth, and the counter copies it when scraped.
import { Counter, type Registry } from 'prom-client';

export function mirroredCounter(registry: Registry, name: string, help: string, read: () => number): Counter {
  return new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      this.reset();
      this.inc(read());
    },
  });
}
