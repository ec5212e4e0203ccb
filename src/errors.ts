// The project's own error types. Loaders and commands throw these for anything a user can cause, so
// the CLI can print one clean line; anything else reaching the top is a bug and says so.

/** A problem with the user's data or files: exit code 1. */
export class CnnError extends Error {
  override name = 'CnnError';
  readonly exitCode: number = 1;
}

/** A wrong option or argument: exit code 2. */
export class UsageError extends CnnError {
  override name = 'UsageError';
  override readonly exitCode: number = 2;
}
