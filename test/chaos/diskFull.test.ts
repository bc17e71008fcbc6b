// Storage trouble on the embedded engine: the data directory's disk fills up under load (a
// small tmpfs filled to the last byte); readOnlyDisk.test.ts makes the other storage
// failure, a disk that turns read-only under the running engine. Intake must
// answer 503/429 with Retry-After instead of acknowledging, memory must stay bounded, and
// ingest must resume by itself once the disk is writable again — without losing or
// doubling any acknowledged event.
import { afterAll, describe, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectOutageHandled, runStorageOutage } from './helpers/storageOutage.ts';

const mountPoint = mkdtempSync(join(tmpdir(), 'ct-chaos-ro-'));
let mounted = false;
try {
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256m', 'tmpfs', mountPoint], { stdio: 'pipe' });
  mounted = true;
} catch (err) {
  console.warn(`read-only disk test skipped: cannot mount a tmpfs here (${(err as Error).message.split('\n')[0]}); it needs root with CAP_SYS_ADMIN`);
}
/** Writes a filler file until the file system says ENOSPC. */
function fillDisk(path: string): number {
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(1024 * 1024, 1);
  let written = 0;
  try {
    for (;;) written += writeSync(fd, chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    closeSync(fd);
  }
  return written;
}

afterAll(() => {
  if (mounted) execFileSync('umount', ['-l', mountPoint]);
  rmSync(mountPoint, { recursive: true, force: true });
});

describe.skipIf(!mounted)('storage trouble: the data disk fills up under load', () => {
  it('refuses with 503/429 + Retry-After while the disk is full, stays bounded, resumes by itself, loses nothing', async () => {
    const filler = join(mountPoint, 'filler');
    let fillerBytes = 0;
    const run = await runStorageOutage({ dataDir: join(mountPoint, 'data'), runId: 'df', begin: () => (fillerBytes = fillDisk(filler)), end: () => rmSync(filler) });
    console.log(JSON.stringify({ fillerMiB: Math.round(fillerBytes / 2 ** 20), ...run, lost: run.lost.length }));
    expectOutageHandled(run);
  });
});
