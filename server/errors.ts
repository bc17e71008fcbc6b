// One error family for everything the API answers on purpose; anything else is a bug,
// logged with its stack and answered with a generic message.
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const badRequest = (message: string, details?: unknown) => new AppError(400, 'bad_request', message, details);
export const notFound = (message: string) => new AppError(404, 'not_found', message);

/** The pipeline cannot take more right now; the client should retry after a pause. */
export class SaturatedError extends AppError {
  constructor(retryAfterSeconds: number, reason: string) {
    super(429, 'saturated', reason, undefined, { 'Retry-After': String(retryAfterSeconds) });
  }
}

/** Storage is not reachable; nothing was acknowledged, retry later. */
export class StorageUnavailableError extends AppError {
  constructor(reason: string, retryAfterSeconds = 5) {
    super(503, 'storage_unavailable', reason, undefined, { 'Retry-After': String(retryAfterSeconds) });
  }
}
