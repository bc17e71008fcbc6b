// Expected errors answer with their status and a precise message (logged as warnings);
// anything else is a bug: logged with its stack, answered with a generic message.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError } from '../errors.ts';
import type { Logger } from '../logger.ts';

type BodyParserError = Error & { type?: string; status?: number; limit?: number };

export function toAppError(err: unknown): AppError | null {
  if (err instanceof AppError) return err;
  const e = err as BodyParserError;
  if (e?.type === 'entity.too.large') return new AppError(413, 'payload_too_large', `body exceeds the limit of ${e.limit} bytes`);
  if (e?.type === 'entity.parse.failed') return new AppError(400, 'bad_request', `malformed JSON: ${e.message}`);
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') return new AppError(415, 'unsupported_encoding', e.message);
  if (e?.type === 'request.aborted') return new AppError(400, 'request_aborted', 'request was aborted by the client');
  return null;
}

export function errorMiddleware(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const known = toAppError(err);
    if (known) {
      if (known.status >= 500) logger.warn({ path: req.path, code: known.code }, known.message);
      for (const [k, v] of Object.entries(known.headers)) res.setHeader(k, v);
      // After an oversized body the socket is not reused: body-parser has drained it, but a
      // kept-alive socket that carried hundreds of MiB was seen to stall until the keep-alive
      // timeout and then reset the client's next request on it.
      if (known.status === 413) res.setHeader('Connection', 'close');
      res.status(known.status).json({ error: { code: known.code, message: known.message, ...(known.details !== undefined ? { details: known.details } : {}) } });
      return;
    }
    logger.error({ err, path: req.path }, 'unhandled error');
    res.status(500).json({ error: { code: 'internal', message: 'internal error; it has been logged' } });
  };
}

export const notFoundHandler: RequestHandler = (req, res) => {
  res.status(404).json({ error: { code: 'not_found', message: `no route ${req.method} ${req.path}` } });
};
