/** A start-up problem the operator can fix; main prints its message as one line and exits. */
export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A queue worker's lease on a row was taken over (it expired): its work must not commit. */
export class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
}
