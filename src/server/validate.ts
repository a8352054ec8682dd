import { z } from 'zod';
import { HttpError } from '../errors.ts';
import { rememberZodZh } from './messages.ts';

/** Parses request input with a schema; the first problem becomes a 400 naming its field. */
export function parse<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const field = issue?.path.join('.') || undefined;
  const err = new HttpError(400, `${field ?? 'request'}: ${issue?.message ?? 'invalid'}`, field);
  rememberZodZh(err, schema, input, field);
  throw err;
}

/**
 * A calendar date YYYY-MM-DD. An impossible day (2020-01-32) fails the refinement without throwing (an
 * invalid Date's toISOString throws, which would turn a 400 naming the field into a 500).
 */
export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD')
  .refine((s) => {
    const t = Date.parse(`${s}T00:00:00Z`);
    return !Number.isNaN(t) && new Date(t).toISOString().startsWith(s);
  }, 'not a calendar date');
