// How fast the simulator generates events (no validation, no I/O), and its heap.
// Run: npm run bench:sim  [-- <simulated hours, default 24> <lines per day, default 80000>]
import { createSimulator } from '../server/sim/simulator.ts';

const hours = Number(process.argv[2] ?? 24);
const linesPerDay = Number(process.argv[3] ?? 80_000);
const start = Date.parse('2025-03-03T00:00:00Z');
const sim = createSimulator({ seed: 1, startTs: start, linesPerDay });
const t0 = performance.now();
let events = 0;
let peakHeap = 0;
for (let t = start; t < start + hours * 3_600_000; ) {
  t += 600_000;
  events += sim.advanceTo(t).length;
  peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
}
const seconds = (performance.now() - t0) / 1000;
console.log(`simulated ${hours} h at ${linesPerDay} lines/day: ${events} events in ${seconds.toFixed(2)} s`);
console.log(`throughput: ${Math.round(events / seconds)} events/s (${Math.round((hours * 3600) / seconds)}x real time)`);
console.log(`heap: peak ${Math.round(peakHeap / 1e6)} MB, end ${Math.round(process.memoryUsage().heapUsed / 1e6)} MB; faults: ${sim.faults.length}`);
console.log(`command: node --import tsx bench/sim.ts ${hours} ${linesPerDay}`);
