// Who is signed in. The server keeps the session in an httpOnly cookie; the app only asks
// /auth/me to learn the name and roles, and never stores the token itself.
import type { Principal, Role } from '../../../server/auth/roles.ts';
import { api, ApiError } from './api.ts';

export class Session {
  #user = $state<Principal | null>(null);
  #checked = $state(false);
  #error = $state<string | null>(null);

  async refresh() {
    try {
      this.#user = await api.me();
      this.#error = null;
    } catch (err) {
      this.#user = null;
      this.#error = err instanceof ApiError && (err.unauthenticated || err.unavailable) ? null : (err as Error).message;
    } finally {
      this.#checked = true;
    }
  }

  async login(username: string, password: string) {
    await api.login(username, password);
    await this.refresh();
  }

  async logout() {
    await api.logout().catch(() => undefined);
    this.#user = null;
  }

  get user() {
    return this.#user;
  }
  get checked() {
    return this.#checked;
  }
  get error() {
    return this.#error;
  }
  has(...roles: Role[]) {
    return !!this.#user && (this.#user.roles.includes('admin') || roles.some((r) => this.#user!.roles.includes(r)));
  }
}
