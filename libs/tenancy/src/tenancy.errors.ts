import type { ExpectedProblem } from '@keystream/problem-details';

/** Never says which check failed: that would help someone guessing keys or forging tokens. */
export class UnauthorizedError extends Error implements ExpectedProblem {
  readonly code = 'Unauthorized';
  constructor() {
    super('Missing or invalid credentials');
    this.name = 'UnauthorizedError';
  }
}
