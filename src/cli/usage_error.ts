/** A usage error of the CLI (bad arguments, unreadable or malformed input): printed, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
