/**
 * Expected failures, typed once (house style 9). A `UserError` becomes one line
 * on stderr and a non-zero exit in the CLI; an `HttpError` becomes a 4xx JSON
 * answer in the API. A plain `Error` anywhere means a bug.
 */
export class UserError extends Error {
  override readonly name = 'UserError';
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

/** An HTTP error with a status and, for bad requests, the offending field. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}
