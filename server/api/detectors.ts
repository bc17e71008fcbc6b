// GET /api/v1/detectors/config — the effective thresholds of every detector (versioned), so
// people can see why something was (not) raised; GET /api/v1/detectors/state — sizes of the
// detectors' keyed state and the event-time watermark (memory checks, soak tests).
import { Router } from 'express';
import { secured } from '../auth/access.ts';
import { READ_ROLES } from '../auth/roles.ts';
import type { DetectorConfig } from '../detect/config.ts';
import type { DetectionEngine } from '../detect/engine.ts';

export function detectorsRouter(deps: { config: DetectorConfig; engine: DetectionEngine }): Router {
  const router = Router();
  secured(router, 'get', '/detectors/config', { roles: READ_ROLES }, (_req, res) => {
    res.json({ version: deps.config.version, detectors: deps.engine.detectors.map((d) => ({ name: d.name, version: d.version, type: d.type })), config: deps.config });
  });
  secured(router, 'get', '/detectors/state', { roles: READ_ROLES }, (_req, res) => {
    res.json({ stats: deps.engine.stats, state: deps.engine.stateSizes() });
  });
  return router;
}
