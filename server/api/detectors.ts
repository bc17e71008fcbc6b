// GET /api/v1/detectors/config — the effective thresholds of every detector (versioned), so
// people can see why something was (not) raised; PATCH (admins) changes them at run time,
// GET …/config/versions lists who changed what and when; GET /api/v1/detectors/state — sizes
// of the detectors' keyed state and the event-time watermark (memory checks, soak tests).
import express, { Router } from 'express';
import { z } from 'zod';
import { requirePrincipal, secured } from '../auth/access.ts';
import { READ_ROLES } from '../auth/roles.ts';
import { parseBody } from '../auth/authRouter.ts';
import type { DetectionEngine } from '../detect/engine.ts';
import type { DetectorSettings } from '../detect/detectorSettings.ts';
import { appliesAtRestart, leafPaths } from '../detect/configVersion.ts';

const configEdit = z.object({
  /** The revision the edit was made on (GET …/config answers it); another admin's save in between is a 409. */
  baseRevision: z.number().int().min(0),
  /** Only the keys that change, nested as in the configuration: `{ "pricing_discrepancy": { "contractTolerance": 0.01 } }`. */
  config: z.record(z.string(), z.unknown()),
  comment: z.string().max(1000).default(''),
});

export function detectorsRouter(deps: { settings: DetectorSettings; engine: DetectionEngine }): Router {
  const router = Router();
  const json = express.json({ limit: '64kb' });
  secured(router, 'get', '/detectors/config', { roles: READ_ROLES }, (_req, res) => {
    const { config } = deps.settings;
    // Every key that takes effect only at a restart, so the editor can say so next to it.
    const restartKeys = leafPaths(config).filter(appliesAtRestart);
    res.json({
      version: config.version,
      revision: deps.settings.revision,
      detectors: deps.engine.detectors.map((d) => ({ name: d.name, version: d.version, type: d.type })),
      config,
      restartKeys,
      pendingRestart: deps.settings.pendingRestart,
    });
  });
  secured(router, 'patch', '/detectors/config', { roles: ['admin'] }, json, async (req, res) => {
    const edit = parseBody(configEdit, req.body);
    res.json(await deps.settings.update(edit.config, edit.baseRevision, requirePrincipal(req), edit.comment));
  });
  secured(router, 'get', '/detectors/config/versions', { roles: READ_ROLES }, (_req, res) => {
    res.json({ revision: deps.settings.revision, items: deps.settings.history() });
  });
  secured(router, 'get', '/detectors/state', { roles: READ_ROLES }, (_req, res) => {
    res.json({ stats: deps.engine.stats, state: deps.engine.stateSizes() });
  });
  return router;
}
