// User-facing errors: each becomes one line on stderr and an exit code, never a stack trace.

/** Bad flags, env or config: exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The target cannot be reached, refused the credentials, stopped answering: exit 2. */
export class TargetError extends Error {
  override name = 'TargetError';
  constructor(
    message: string,
    /** the request that failed, as `METHOD url` (no credentials) */
    readonly lastRequest?: string,
  ) {
    super(message);
  }
}
