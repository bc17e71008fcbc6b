// `control-tower baseline` run as a real process against a data directory holding the fixture.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { openStore } from '../../server/store/client.ts';
import { migrate } from '../../server/store/migrate.ts';
import { loadKpiFixture } from '../fixtures/kpi/loadFixture.ts';

const run = promisify(execFile);
const dataDir = mkdtempSync(join(tmpdir(), 'kpi-baseline-'));
const cli = (...args: string[]) => run(process.execPath, ['--import', 'tsx', 'server/main.ts', 'baseline', '--data', dataDir, ...args], { cwd: join(import.meta.dirname, '..', '..') });

beforeAll(async () => {
  const store = await openStore(loadConfig({}, { dataDir }));
  await migrate(store.client);
  await loadKpiFixture(store.client);
  await store.close();
}, 60_000);

describe('control-tower baseline', () => {
  it('prints the period figures as JSON', async () => {
    const { stdout } = await cli('--from', '2026-03-02', '--to', '2026-03-03', '--format', 'json');
    const b = JSON.parse(stdout);
    // Detected on 03-02: E1 backorder, E2 shipment_delay, E3 credit_hold, E5 order_anomaly, E6 pricing, E7 routing (E4 on 03-01)
    expect(b.exceptionsTotal).toBe(6);
    expect(b.exceptionVolume).toMatchObject({ backorder: 1, credit_hold: 1, order_anomaly: 1 });
    // Same hand-worked figures as kpi-engine.test.ts
    expect(b).toMatchObject({ averageResolutionSeconds: 18598.333, orderCycleExceptionDelaySeconds: -21600, manualTouchesPerOrder: 1.5, revenueAtRisk: 330, lineFillRate: 0.5 });
  }, 60_000);

  it('prints CSV and Markdown, and names a bad date', async () => {
    const csv = (await cli('--from', '2026-03-02', '--to', '2026-03-03', '--format', 'csv')).stdout;
    expect(csv.split('\n')).toContain('revenueAtRisk,330');
    const md = (await cli('--from', '2026-03-02', '--to', '2026-03-03')).stdout;
    expect(md).toContain('| manualTouchesPerOrder | 1.5 |');
    await expect(cli('--from', 'last week', '--to', '2026-03-03')).rejects.toMatchObject({ stderr: expect.stringContaining("--from 'last week' must be a date") });
  }, 60_000);
});
