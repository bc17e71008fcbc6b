// Once a stop has begun, the API refuses new work with 503 so load balancers move on
// while what was already accepted drains. A request still uploading its body is read to
// the end (and discarded) before the 503: answering first and leaving bytes unread lets
// the connection be closed under a client that is still writing, which it sees as a reset
// — not knowing whether its batch was taken — instead of the 503 that tells it to retry.
import type { Request, RequestHandler } from 'express';
import { StorageUnavailableError } from '../errors.ts';

const hasBody = (req: Request) => req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;

export function stoppingGuard(isStopping: () => boolean): RequestHandler {
  return (req, _res, next) => {
    if (!isStopping()) return next();
    const refuse = () => next(new StorageUnavailableError('the server is shutting down; retry shortly', 1));
    if (!hasBody(req) || req.readableEnded) return refuse();
    req.once('end', refuse);
    req.once('error', refuse);
    req.resume();
  };
}
