// A mapping file (JSON or YAML) tells the CSV and OCEL adapters how a foreign export becomes
// common events. It is validated with zod; every error names the mapping key that is wrong.
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { EVENT_SOURCES, formatIssues } from '../events/schema.ts';
import { csvMappingSchema, zoneSchema } from './csv/mapping.ts';
import { ocelMappingSchema } from './ocel/mapping.ts';

export const mappingFileSchema = z
  .object({
    version: z.literal(1).default(1),
    source: z.enum(EVENT_SOURCES).default('erp'),
    timezone: zoneSchema.default('UTC'),
    csv: csvMappingSchema.optional(),
    ocel: ocelMappingSchema.optional(),
  })
  .strict();

export type MappingFile = z.infer<typeof mappingFileSchema>;

export class MappingError extends Error {
  override name = 'MappingError';
}

/** Validates a parsed mapping; the error lists every wrong key, e.g. `csv.records.order.time.dateFormat: …`. */
export function parseMapping(value: unknown, origin = 'mapping'): MappingFile {
  const parsed = mappingFileSchema.safeParse(value);
  if (!parsed.success) throw new MappingError(`${origin}: ${formatIssues(parsed.error)}`);
  return parsed.data;
}

export async function loadMapping(path: string): Promise<MappingFile> {
  const text = await readFile(path, 'utf8');
  let value: unknown;
  try {
    value = /\.json$/i.test(path) ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new MappingError(`${path}: not valid ${/\.json$/i.test(path) ? 'JSON' : 'YAML'}: ${(error as Error).message}`);
  }
  return parseMapping(value, path);
}
