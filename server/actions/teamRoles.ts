// Which roles work an exception owned by a team (object-level access for state changes).
import type { Team } from '../contracts/exception.ts';
import type { Role } from '../auth/roles.ts';

export const TEAM_ROLES: Record<Team, Role[]> = {
  warehouse: ['warehouse', 'operations'],
  it: ['it'],
  pricing: ['pricing'],
  finance: ['finance'],
  transportation: ['operations'],
  customer_service: ['operations'],
  master_data: ['operations'],
};
