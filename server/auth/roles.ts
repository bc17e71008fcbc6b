// Roles of DESIGN.md §5 and who a request is. A principal is a signed-in user or an API key;
// both carry roles, and every route and action checks them.
export const USER_ROLES = ['viewer', 'operations', 'finance', 'pricing', 'warehouse', 'it', 'executive', 'admin'] as const;
export const ROLES = [...USER_ROLES, 'ingest'] as const;
export type Role = (typeof ROLES)[number];

export type Principal = {
  kind: 'user' | 'api_key';
  id: string;
  name: string;
  roles: Role[];
};

export const hasAnyRole = (p: Principal, roles: readonly Role[]) => p.roles.includes('admin') || p.roles.some((r) => roles.includes(r));

/** Roles that may read the exception queue and its details (everyone but a pure producer key). */
export const READ_ROLES: readonly Role[] = USER_ROLES;
