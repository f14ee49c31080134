import { NOT_FOUND_MESSAGE } from '../openapi/contract-facts.generated.js';

/** Outcomes of store operations that the caller must turn into a response. */
export class CustomerNotFoundError extends Error {
  constructor(readonly customerId: string) {
    super(NOT_FOUND_MESSAGE);
    this.name = 'CustomerNotFoundError';
  }
}

export class EmailTakenError extends Error {
  constructor(readonly email: string) {
    super('Customer with the same email already exists');
    this.name = 'EmailTakenError';
  }
}

/** A data set (fixtures file, state file, admin replace) that breaks the store's invariants. */
export class InvalidDataSetError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid data set: ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? ` (and ${problems.length - 5} more)` : ''}`);
    this.name = 'InvalidDataSetError';
  }
}

/** A write whose journal record could not be written (a full disk, say): it was taken back. */
export class NotSavedError extends Error {
  constructor(
    readonly code: string,
    readonly reason: string,
  ) {
    super(`The change could not be saved to the state journal (${code}), so it was not made: ${reason}`);
    this.name = 'NotSavedError';
  }
}
