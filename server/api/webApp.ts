// Serves the built web app with a strict Content-Security-Policy; unknown non-API paths
// fall back to index.html so links to views work.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import express, { Router } from 'express';

export function webAppRouter(webDir: string): Router {
  const router = Router();
  const dir = resolve(webDir);
  const index = join(dir, 'index.html');
  router.use(express.static(dir, { index: 'index.html', maxAge: '1h', setHeaders: (res, path) => path.endsWith('index.html') && res.setHeader('Cache-Control', 'no-cache') }));
  router.get(/^\/(?!api\/|socket\.io\/).*/, (_req, res, next) => {
    if (!existsSync(index)) {
      res.status(503).type('text').send(`web app not built: run "npm run build" (looked in ${dir})`);
      return;
    }
    res.sendFile(index, { headers: { 'Cache-Control': 'no-cache' } }, (err) => err && next(err));
  });
  return router;
}
