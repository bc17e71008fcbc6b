// Once a stop has begun, the API refuses new work with 503 so load balancers move on
// while what was already accepted drains.
import type { RequestHandler } from 'express';
import { StorageUnavailableError } from '../errors.ts';

export function stoppingGuard(isStopping: () => boolean): RequestHandler {
  return (_req, _res, next) => {
    if (isStopping()) next(new StorageUnavailableError('the server is shutting down; retry shortly', 1));
    else next();
  };
}
