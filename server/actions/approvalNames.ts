// Approvals as the API answers them: with the display names of who asked and who decided
// (the ids stay: they are what separation of duties compares).
import type { Approval } from './approvals.ts';

export type NameOf = (actorId: string) => string | undefined;
export type NamedApproval = Approval & { requestedByName: string; decidedByName?: string };

export const withNames = (items: readonly Approval[], nameOf: NameOf): NamedApproval[] =>
  items.map((a) => ({ ...a, requestedByName: nameOf(a.requestedBy) ?? a.requestedBy, ...(a.decidedBy ? { decidedByName: nameOf(a.decidedBy) ?? a.decidedBy } : {}) }));
