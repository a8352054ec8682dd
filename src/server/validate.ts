import type { z } from 'zod';
import { HttpError } from '../errors.ts';

/** Parses request input with a schema; the first problem becomes a 400 naming its field. */
export function parse<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const field = issue?.path.join('.') || undefined;
  throw new HttpError(400, `${field ?? 'request'}: ${issue?.message ?? 'invalid'}`, field);
}
