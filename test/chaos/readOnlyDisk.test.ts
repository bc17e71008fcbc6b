// Storage trouble on the embedded engine: the data directory's disk turns read-only under
// load, then writable again. The kernel refuses `mount -o remount,ro` while the engine holds
// files open for writing ("mount point is busy"), so the data directory lives on a FUSE
// pass-through file system (helpers/switchableReadOnlyFs.py, Debian's python3-fusepy) that
// answers every write with EROFS — "Read-only file system", as a read-only mount does —
// while its switch file exists. Intake must answer 503/429 with Retry-After instead of
// acknowledging, memory must stay bounded, and ingest must resume by itself once the disk
// is writable again, without losing or doubling any acknowledged event.
import { afterAll, describe, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectOutageHandled, runStorageOutage } from './helpers/storageOutage.ts';
import { REPO_ROOT } from './helpers/tower.ts';

const PYTHON = '/usr/bin/python3'; // the Debian interpreter python3-fusepy is installed for
const base = mkdtempSync(join(tmpdir(), 'ct-chaos-rofs-'));
const backing = join(base, 'backing');
const mountPoint = join(base, 'mnt');
const switchFile = join(base, 'read-only');
let fs: ChildProcess | undefined;

function mountSwitchableFs(): string | undefined {
  if (spawnSync(PYTHON, ['-c', 'import fusepy'], { stdio: 'pipe' }).status !== 0) return `${PYTHON} cannot import fusepy (apt-get install python3-fusepy)`;
  for (const dir of [backing, mountPoint]) mkdirSync(dir, { recursive: true });
  fs = spawn(PYTHON, [join(REPO_ROOT, 'test/chaos/helpers/switchableReadOnlyFs.py'), backing, mountPoint, switchFile], { stdio: ['ignore', 'inherit', 'inherit'] });
  for (const until = Date.now() + 5000; Date.now() < until; ) {
    if (readFileSync('/proc/mounts', 'utf8').includes(` ${mountPoint} fuse`)) return undefined;
    if (fs.exitCode !== null) break;
    spawnSync('sleep', ['0.1']);
  }
  return `the FUSE file system did not mount on ${mountPoint} (needs /dev/fuse and root)`;
}

const skipped = mountSwitchableFs();
if (skipped) console.warn(`read-only disk test skipped: ${skipped}`);

afterAll(() => {
  rmSync(switchFile, { force: true });
  if (!skipped) spawnSync('umount', ['-l', mountPoint]);
  fs?.kill('SIGKILL');
  rmSync(base, { recursive: true, force: true });
});

describe.skipIf(!!skipped)('storage trouble: the data disk turns read-only under load', () => {
  it('refuses with 503/429 + Retry-After while the disk is read-only, stays bounded, resumes by itself, loses nothing', async () => {
    const run = await runStorageOutage({ dataDir: join(mountPoint, 'data'), runId: 'ro', begin: () => writeFileSync(switchFile, ''), end: () => rmSync(switchFile) });
    console.log(JSON.stringify({ ...run, lost: run.lost.length }));
    expectOutageHandled(run);
  });
});
