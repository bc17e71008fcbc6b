// Users, API keys and sessions, held in memory for per-request checks (chDB runs one
// statement at a time, so no request should wait on a look-up) and written through to
// ClickHouse so they survive a restart.
import type { ClickHouseClient } from '@clickhouse/client';
import { AppError } from '../errors.ts';
import { insertApiKey, insertSession, insertUser, loadApiKeys, loadLiveSessions, loadUsers, type ApiKeyRecord, type SessionRecord, type UserRecord } from './authQueries.ts';
import type { Principal, Role } from './roles.ts';
import { digest, hashPassword, randomId, randomToken, verifyPassword } from './secrets.ts';

export type PublicUser = { id: string; username: string; roles: Role[]; disabled: boolean; updatedAt: string };
export type PublicApiKey = { id: string; name: string; roles: Role[]; revoked: boolean; createdAt: string; createdBy: string };

export const publicUser = (u: UserRecord): PublicUser => ({ id: u.id, username: u.username, roles: u.roles, disabled: u.disabled, updatedAt: u.updatedAt });
export const publicKey = (k: ApiKeyRecord): PublicApiKey => ({ id: k.id, name: k.name, roles: k.roles, revoked: k.revoked, createdAt: k.createdAt, createdBy: k.createdBy });

export class AuthStore {
  private readonly users = new Map<string, UserRecord>();
  private readonly keysByHash = new Map<string, ApiKeyRecord>();
  private readonly keys = new Map<string, ApiKeyRecord>();
  private readonly sessions = new Map<string, SessionRecord>();

  private constructor(
    private readonly client: ClickHouseClient,
    private readonly now: () => number,
    private readonly sessionMs: number,
  ) {}

  static async open(client: ClickHouseClient, opts: { now: () => number; sessionHours: number }): Promise<AuthStore> {
    const store = new AuthStore(client, opts.now, opts.sessionHours * 3_600_000);
    for (const u of await loadUsers(client)) store.users.set(u.id, u);
    for (const k of await loadApiKeys(client)) store.placeKey(k);
    for (const s of await loadLiveSessions(client, new Date(opts.now()).toISOString())) store.sessions.set(s.tokenHash, s);
    return store;
  }

  private iso = () => new Date(this.now()).toISOString();

  private placeKey(k: ApiKeyRecord) {
    this.keys.set(k.id, k);
    this.keysByHash.set(k.keyHash, k);
  }

  get userCount() {
    return this.users.size;
  }

  /** What people see for an actor id: a user's username or an API key's name. */
  displayName(id: string): string | undefined {
    return this.users.get(id)?.username ?? this.keys.get(id)?.name;
  }

  listUsers(): PublicUser[] {
    return [...this.users.values()].map(publicUser).sort((a, b) => a.username.localeCompare(b.username));
  }

  listKeys(): PublicApiKey[] {
    return [...this.keys.values()].map(publicKey).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  findUserByName(username: string): UserRecord | undefined {
    return [...this.users.values()].find((u) => u.username === username);
  }

  async createUser(input: { username: string; password: string; roles: Role[] }, by: string): Promise<PublicUser> {
    if (this.findUserByName(input.username)) throw new AppError(409, 'username_taken', `username '${input.username}' is already taken`);
    const u: UserRecord = { id: randomId('usr'), version: 1, username: input.username, passwordHash: await hashPassword(input.password), roles: input.roles, disabled: false, updatedAt: this.iso(), updatedBy: by };
    await insertUser(this.client, u);
    this.users.set(u.id, u);
    return publicUser(u);
  }

  async updateUser(id: string, change: { password?: string; roles?: Role[]; disabled?: boolean }, by: string): Promise<PublicUser> {
    const current = this.users.get(id);
    if (!current) throw new AppError(404, 'not_found', `user ${id} does not exist`);
    const next: UserRecord = {
      ...current,
      version: current.version + 1,
      passwordHash: change.password !== undefined ? await hashPassword(change.password) : current.passwordHash,
      roles: change.roles ?? current.roles,
      disabled: change.disabled ?? current.disabled,
      updatedAt: this.iso(),
      updatedBy: by,
    };
    await insertUser(this.client, next);
    this.users.set(id, next);
    if (next.disabled || change.password !== undefined) await this.revokeSessionsOf(id);
    return publicUser(next);
  }

  /** Answers the same for an unknown user and a wrong password, so usernames cannot be probed. */
  async login(username: string, password: string): Promise<{ token: string; user: PublicUser; expiresAt: string }> {
    const user = this.findUserByName(username);
    const ok = user && !user.disabled && (await verifyPassword(user.passwordHash, password));
    if (!user || !ok) throw new AppError(401, 'invalid_credentials', 'unknown user or wrong password');
    const token = randomToken();
    const session: SessionRecord = { tokenHash: digest(token), version: 1, userId: user.id, createdAt: this.iso(), expiresAt: new Date(this.now() + this.sessionMs).toISOString(), revoked: false };
    await insertSession(this.client, session);
    this.sessions.set(session.tokenHash, session);
    this.forgetExpired();
    return { token, user: publicUser(user), expiresAt: session.expiresAt };
  }

  /** Expired sessions leave memory (their rows expire by TTL), so logins do not pile up. */
  private forgetExpired() {
    if (this.sessions.size < 1000) return;
    const now = this.now();
    for (const [h, s] of this.sessions) if (Date.parse(s.expiresAt) <= now) this.sessions.delete(h);
  }

  async logout(token: string): Promise<void> {
    const s = this.sessions.get(digest(token));
    if (!s) return;
    this.sessions.delete(s.tokenHash);
    await insertSession(this.client, { ...s, version: s.version + 1, revoked: true });
  }

  private async revokeSessionsOf(userId: string) {
    for (const s of [...this.sessions.values()]) {
      if (s.userId !== userId) continue;
      this.sessions.delete(s.tokenHash);
      await insertSession(this.client, { ...s, version: s.version + 1, revoked: true });
    }
  }

  /** A session token or an API key → who it is, or undefined. */
  resolveToken(token: string): Principal | undefined {
    const h = digest(token);
    const s = this.sessions.get(h);
    if (s) {
      const user = this.users.get(s.userId);
      if (Date.parse(s.expiresAt) <= this.now()) {
        this.sessions.delete(h);
        return undefined;
      }
      if (!user || user.disabled) return undefined;
      return { kind: 'user', id: user.id, name: user.username, roles: user.roles };
    }
    const k = this.keysByHash.get(h);
    if (k && !k.revoked) return { kind: 'api_key', id: k.id, name: k.name, roles: k.roles };
    return undefined;
  }

  /** Creates a key; the secret is returned once and only its digest is kept. */
  async createKey(input: { name: string; roles: Role[]; secret?: string }, by: string): Promise<{ key: PublicApiKey; secret: string }> {
    const secret = input.secret ?? `ctk_${randomToken()}`;
    const k: ApiKeyRecord = { id: randomId('key'), version: 1, name: input.name, keyHash: digest(secret), roles: input.roles, revoked: false, createdAt: this.iso(), createdBy: by };
    await insertApiKey(this.client, k);
    this.placeKey(k);
    return { key: publicKey(k), secret };
  }

  hasKeySecret(secret: string): boolean {
    return this.keysByHash.has(digest(secret));
  }

  async revokeKey(id: string): Promise<PublicApiKey> {
    const k = this.keys.get(id);
    if (!k) throw new AppError(404, 'not_found', `API key ${id} does not exist`);
    const next = { ...k, version: k.version + 1, revoked: true };
    await insertApiKey(this.client, next);
    this.placeKey(next);
    return publicKey(next);
  }
}
