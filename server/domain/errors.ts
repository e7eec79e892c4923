/**
 * Typed domain errors. The HTTP layer maps each to one status and the error envelope
 * `{ error: { code, message, issues? } }`; the CLI prints the message and exits 1.
 */
export interface ErrorIssue {
  path?: (string | number)[];
  message: string;
  /** File, line or offset the issue refers to, where known. */
  file?: string;
  line?: number;
}

export abstract class DomainError extends Error {
  abstract readonly code: string;
  readonly issues: ErrorIssue[] | undefined;
  constructor(message: string, issues?: ErrorIssue[]) {
    super(message);
    this.name = new.target.name;
    this.issues = issues;
  }
}

export class NotFound extends DomainError {
  readonly code = 'not_found';
}

/** A stale version or a state that forbids the change (HTTP 409). */
export class Conflict extends DomainError {
  readonly code = 'conflict';
  constructor(
    message: string,
    /** The current state of the entity, so a client can show what changed. */
    readonly current?: unknown,
  ) {
    super(message);
  }
}

export class InvalidInput extends DomainError {
  readonly code = 'invalid_input';
}

export class Forbidden extends DomainError {
  readonly code = 'forbidden';
}

export class Unauthorized extends DomainError {
  readonly code = 'unauthorized';
}

export class TooLarge extends DomainError {
  readonly code = 'too_large';
}

export class TooManyRequests extends DomainError {
  readonly code = 'too_many_requests';
}

/** An import of one file failed; names the file and, where it applies, the line. */
export class ImportError extends DomainError {
  readonly code = 'import_failed';
  constructor(
    readonly file: string,
    reason: string,
    readonly line?: number,
  ) {
    super(`${file}${line !== undefined ? `:${line}` : ''}: ${reason}`, [
      line !== undefined ? { message: reason, file, line } : { message: reason, file },
    ]);
  }
}
