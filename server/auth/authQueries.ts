// The reads and writes of the auth tables (020_auth.sql). Each table is small and read
// whole at start-up; every change is a new row with a higher version.
import type { ClickHouseClient } from '@clickhouse/client';
import { fromChTime, toChTime } from '../store/eventRow.ts';
import type { Role } from './roles.ts';

export type UserRecord = { id: string; version: number; username: string; passwordHash: string; roles: Role[]; disabled: boolean; updatedAt: string; updatedBy: string };
export type ApiKeyRecord = { id: string; version: number; name: string; keyHash: string; roles: Role[]; revoked: boolean; createdAt: string; createdBy: string };
export type SessionRecord = { tokenHash: string; version: number; userId: string; createdAt: string; expiresAt: string; revoked: boolean };

type Row = Record<string, unknown>;
const rows = async (client: ClickHouseClient, query: string, query_params: Record<string, unknown> = {}) =>
  (await client.query({ query, query_params, format: 'JSONEachRow' })).json<Row>();

export async function loadUsers(client: ClickHouseClient): Promise<UserRecord[]> {
  return (await rows(client, 'SELECT * FROM users FINAL')).map((r) => ({
    id: String(r.id),
    version: Number(r.version),
    username: String(r.username),
    passwordHash: String(r.password_hash),
    roles: r.roles as Role[],
    disabled: Number(r.disabled) === 1,
    updatedAt: fromChTime(String(r.updated_at)),
    updatedBy: String(r.updated_by),
  }));
}

export async function loadApiKeys(client: ClickHouseClient): Promise<ApiKeyRecord[]> {
  return (await rows(client, 'SELECT * FROM api_keys FINAL')).map((r) => ({
    id: String(r.id),
    version: Number(r.version),
    name: String(r.name),
    keyHash: String(r.key_hash),
    roles: r.roles as Role[],
    revoked: Number(r.revoked) === 1,
    createdAt: fromChTime(String(r.created_at)),
    createdBy: String(r.created_by),
  }));
}

export async function loadLiveSessions(client: ClickHouseClient, nowIso: string): Promise<SessionRecord[]> {
  const found = await rows(client, 'SELECT * FROM sessions FINAL WHERE revoked = 0 AND expires_at > {now:DateTime64(3)}', { now: toChTime(nowIso) });
  return found.map((r) => ({
    tokenHash: String(r.token_hash),
    version: Number(r.version),
    userId: String(r.user_id),
    createdAt: fromChTime(String(r.created_at)),
    expiresAt: fromChTime(String(r.expires_at)),
    revoked: false,
  }));
}

export const insertUser = (client: ClickHouseClient, u: UserRecord) =>
  client.insert({
    table: 'users',
    format: 'JSONEachRow',
    values: [{ id: u.id, version: u.version, username: u.username, password_hash: u.passwordHash, roles: u.roles, disabled: u.disabled ? 1 : 0, updated_at: toChTime(u.updatedAt), updated_by: u.updatedBy }],
  });

export const insertApiKey = (client: ClickHouseClient, k: ApiKeyRecord) =>
  client.insert({
    table: 'api_keys',
    format: 'JSONEachRow',
    values: [{ id: k.id, version: k.version, name: k.name, key_hash: k.keyHash, roles: k.roles, revoked: k.revoked ? 1 : 0, created_at: toChTime(k.createdAt), created_by: k.createdBy }],
  });

export const insertSession = (client: ClickHouseClient, s: SessionRecord) =>
  client.insert({
    table: 'sessions',
    format: 'JSONEachRow',
    values: [{ token_hash: s.tokenHash, version: s.version, user_id: s.userId, created_at: toChTime(s.createdAt), expires_at: toChTime(s.expiresAt), revoked: s.revoked ? 1 : 0 }],
  });
