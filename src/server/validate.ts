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
 * Refuses any parameter a route does not take, naming it (400): zod drops unknown keys silently, so a
 * misspelt or unsupported key must not look as if it had been honoured. `why` ends the message in brackets.
 */
export function onlyKeys(query: unknown, keys: readonly string[], why: string): void {
  for (const key of Object.keys((query ?? {}) as object))
    if (!keys.includes(key))
      throw new HttpError(
        400,
        `${key.slice(0, 40)}: not a parameter of this route (${why})`,
        key.slice(0, 40),
      );
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
