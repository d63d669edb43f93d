// The catalogue of every error the project raises: a stable code, whether a retry can help, and the cause.

/** Every error code, with whether retrying the same operation can succeed. */
export const ERROR_CODES = {
  CONFIG_INVALID: { retriable: false, exitCode: 2 },
  CONFIG_FILE_NOT_FOUND: { retriable: false, exitCode: 2 },
  CONFIG_FILE_UNREADABLE: { retriable: false, exitCode: 2 },
  CONFIG_PARSE_FAILED: { retriable: false, exitCode: 2 },
  CLI_USAGE: { retriable: false, exitCode: 2 },
  DB_FAILED: { retriable: false, exitCode: 1 },
  DB_NOT_INITIALISED: { retriable: false, exitCode: 2 },
  WORLD_MISMATCH: { retriable: false, exitCode: 2 },
  EXPORT_FAILED: { retriable: false, exitCode: 1 },
  SINK_SEND_FAILED: { retriable: true, exitCode: 1 },
  SINK_FATAL: { retriable: false, exitCode: 1 },
  SINK_NOT_CONNECTED: { retriable: true, exitCode: 1 },
  CIRCUIT_OPEN: { retriable: true, exitCode: 1 },
  CONNECTION_STRING_INVALID: { retriable: false, exitCode: 2 },
  INTERNAL: { retriable: false, exitCode: 1 },
  SOURCE_NOT_FOUND: { retriable: false, exitCode: 2 },
  SOURCE_FETCH_FAILED: { retriable: true, exitCode: 1 },
  SOURCE_BAD_RESPONSE: { retriable: false, exitCode: 1 },
  SOURCE_CIRCUIT_OPEN: { retriable: true, exitCode: 1 },
  SOURCE_READ_FAILED: { retriable: true, exitCode: 1 },
  QUEUE_CLOSED: { retriable: false, exitCode: 1 },
  RETRY_EXHAUSTED: { retriable: false, exitCode: 1 },
  RETRY_FATAL: { retriable: false, exitCode: 1 },
  ABORTED: { retriable: false, exitCode: 1 },
  REQUEST_INVALID: { retriable: false, exitCode: 2 },
  NOT_FOUND: { retriable: false, exitCode: 2 },
  STREAM_RUNNING: { retriable: false, exitCode: 2 },
  STREAM_NOT_RUNNING: { retriable: false, exitCode: 2 },
  JOB_RUNNING: { retriable: true, exitCode: 2 },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/**
 * The one error class of the project.
 * @example throw new DatagenError('CONFIG_INVALID', 'volume.stores: expected a number', { details: issues })
 */
export class DatagenError extends Error {
  readonly code: ErrorCode;
  readonly retriable: boolean;
  readonly details?: unknown;

  constructor(
    code: ErrorCode,
    message: string,
    options: { cause?: unknown; details?: unknown; retriable?: boolean } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DatagenError';
    this.code = code;
    this.retriable = options.retriable ?? ERROR_CODES[code].retriable;
    this.details = options.details;
  }

  /** Process exit code for this error when it ends a CLI command. */
  get exitCode(): number {
    return ERROR_CODES[this.code].exitCode;
  }
}

/** True when `err` is a DatagenError with the given code. */
export function isDatagenError(err: unknown, code?: ErrorCode): err is DatagenError {
  return err instanceof DatagenError && (code === undefined || err.code === code);
}

/** Exhaustiveness guard for switches over discriminated unions. */
export function assertNever(value: never): never {
  throw new DatagenError('INTERNAL', `unhandled case: ${JSON.stringify(value)}`);
}

/** An error and every error inside it (AggregateError members, causes), outermost first. */
export function* errorChain(err: unknown): Generator<Error> {
  if (!(err instanceof Error)) return;
  yield err;
  if (err instanceof AggregateError) for (const e of err.errors) yield* errorChain(e);
  if (err.cause) yield* errorChain(err.cause);
}
