// During a stop every answer carries `Connection: close`, so no client reuses a kept-alive
// connection the server is about to close: without it a producer that sends its next batch
// on the idle connection just as the server closes it sees a reset instead of an answer.
// Requests already in flight when the stop begins get the header too (their answers are
// not written yet), which is why the responses are tracked rather than marked on arrival.
import type { RequestHandler, Response } from 'express';

export type CloseOnStop = { middleware: RequestHandler; stop(): void };

export function closeOnStop(): CloseOnStop {
  const inFlight = new Set<Response>();
  let stopping = false;
  const mark = (res: Response) => {
    if (!res.headersSent) res.setHeader('Connection', 'close');
  };
  return {
    middleware: (_req, res, next) => {
      if (stopping) mark(res);
      else {
        inFlight.add(res);
        res.once('finish', () => inFlight.delete(res));
        res.once('close', () => inFlight.delete(res));
      }
      next();
    },
    stop() {
      stopping = true;
      for (const res of inFlight) mark(res);
      inFlight.clear();
    },
  };
}

