// First start: an `admin` user whose password is CONTROL_TOWER_ADMIN_PASSWORD or, when
// that is not set, a one-time random password printed once (never a default password).
// CONTROL_TOWER_INGEST_KEYS provisions producer keys (stored as digests only).
import type { Logger } from '../logger.ts';
import type { AuthStore } from './authStore.ts';
import { randomToken, verifyPassword } from './secrets.ts';

export type BootstrapConfig = { adminPassword?: string; ingestKeys: string[] };

export async function bootstrapAuth(store: AuthStore, config: BootstrapConfig, logger: Logger): Promise<{ oneTimePassword?: string }> {
  const result: { oneTimePassword?: string } = {};
  const admin = store.findUserByName('admin');
  if (store.userCount === 0) {
    const password = config.adminPassword ?? randomToken(15);
    await store.createUser({ username: 'admin', password, roles: ['admin'] }, 'bootstrap');
    if (!config.adminPassword) {
      result.oneTimePassword = password;
      logger.warn(`first start: created user 'admin' with one-time password ${password} — sign in and change it (POST /api/v1/auth/password), or set CONTROL_TOWER_ADMIN_PASSWORD`);
    } else logger.info("first start: created user 'admin' with the password from CONTROL_TOWER_ADMIN_PASSWORD");
  } else if (admin && config.adminPassword && !(await verifyPassword(admin.passwordHash, config.adminPassword))) {
    await store.updateUser(admin.id, { password: config.adminPassword, disabled: false }, 'bootstrap');
    logger.info("user 'admin' password set from CONTROL_TOWER_ADMIN_PASSWORD");
  }
  let added = 0;
  for (const [i, secret] of config.ingestKeys.entries()) {
    if (store.hasKeySecret(secret)) continue;
    await store.createKey({ name: `CONTROL_TOWER_INGEST_KEYS #${i + 1}`, roles: ['ingest'], secret }, 'bootstrap');
    added++;
  }
  if (added) logger.info({ added }, 'ingest API keys provisioned from CONTROL_TOWER_INGEST_KEYS');
  return result;
}
