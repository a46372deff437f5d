/** Never says which check failed: that would help someone guessing keys or forging tokens. */
export class UnauthorizedError extends Error {
  readonly code = 'Unauthorized';
  constructor() {
    super('Missing or invalid credentials');
    this.name = 'UnauthorizedError';
  }
}
