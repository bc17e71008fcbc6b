// The express app: security headers, health, metrics, the /api/v1 routers and the web app.
import express, { type Express, type RequestHandler, type Router } from 'express';
import helmet from 'helmet';
import { errorMiddleware, notFoundHandler } from './errorMiddleware.ts';
import type { Logger } from '../logger.ts';

export type AppParts = { logger: Logger; top: (Router | RequestHandler)[]; api: (Router | RequestHandler)[]; web?: Router };

export function createApp(parts: AppParts): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'", "'unsafe-inline'"], // ECharts and Svelte transitions set inline styles
          imgSrc: ["'self'", 'data:', 'blob:'],
          connectSrc: ["'self'", 'ws:', 'wss:'],
          fontSrc: ["'self'", 'data:'],
          objectSrc: ["'none'"],
          baseUri: ["'none'"],
          frameAncestors: ["'none'"],
          formAction: ["'self'"],
        },
      },
    }),
  );
  for (const r of parts.top) app.use(r);
  const api = express.Router();
  for (const r of parts.api) api.use(r);
  api.use(notFoundHandler);
  app.use('/api/v1', api);
  if (parts.web) app.use(parts.web);
  app.use(notFoundHandler);
  app.use(errorMiddleware(parts.logger));
  return app;
}
