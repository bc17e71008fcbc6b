// One structured logger; secrets never reach it because config is logged by allow-list only.
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string): Logger {
  return pino({ level, base: undefined, redact: ['req.headers.authorization', 'password', '*.password', 'apiKey'] });
}
