// GET /api/v1/actions/policies — the action catalogue as policy: which actions exist per
// exception type, who may ask for each, whether it runs at once, needs approval (by which
// role) or is only recommended, and which system carries it out. Read only: the catalogue
// is code (each action has a precondition and a connector command behind it), so changing a
// policy is a reviewed change, not a form.
import { Router } from 'express';
import { secured } from '../auth/access.ts';
import { READ_ROLES } from '../auth/roles.ts';
import { CATALOGUE } from '../triage/catalogue.ts';

export function actionPoliciesRouter(): Router {
  const router = Router();
  const policies = Object.entries(CATALOGUE).map(([type, actions]) => ({
    type,
    actions: actions.map((a) => ({ action: a.action, label: a.label, risk: a.risk, policy: a.policy, requestRoles: a.requestRoles, connector: a.connector ?? null, resolves: a.resolves })),
  }));
  secured(router, 'get', '/actions/policies', { roles: READ_ROLES }, (_req, res) => {
    res.json({ types: policies });
  });
  return router;
}
