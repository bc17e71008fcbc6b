// Rate limits on ingest, per producer key and per client IP, so one runaway producer (or one
// host with many keys) cannot take the pipeline from the others. The per-IP limit is the
// looser one: several producers may sit behind one gateway. Both answer 429 with Retry-After.
import type { RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';

export type IngestRateLimitOptions = { perKeyPerMinute: number; perIpPerMinute: number };

const INGEST_PATHS = ['/events', '/edi'];

export function ingestRateLimits(opts: IngestRateLimitOptions): RequestHandler {
  const limited = (what: string) => ({ error: { code: 'rate_limited', message: `too many ingest requests for this ${what}; retry after the Retry-After seconds` } });
  const perIp = rateLimit({
    windowMs: 60_000,
    limit: opts.perIpPerMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: (req) => `ip:${ipKeyGenerator(req.ip ?? '')}`,
    message: limited('address'),
  });
  const perKey = rateLimit({
    windowMs: 60_000,
    limit: opts.perKeyPerMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    // Runs after authentication: an unauthenticated request was already refused (401).
    keyGenerator: (req) => `key:${req.principal?.id ?? ipKeyGenerator(req.ip ?? '')}`,
    message: limited('key'),
  });
  // Middleware, not routes: the ingest routes keep their one declaration of access.
  return (req, res, next) => {
    if (req.method !== 'POST' || !INGEST_PATHS.includes(req.path)) return next();
    void perIp(req, res, (err?: unknown) => (err ? next(err) : void perKey(req, res, next)));
  };
}
