import type { ExpectedProblem } from '@keystream/problem-details';

/** One source sent more reports than its budget allows in the window. */
export class TooManyLeakReportsError extends Error implements ExpectedProblem {
  readonly code = 'TooManyRequests';
  constructor(readonly retryAfterSeconds: number) {
    super('Too many leaked-key reports from this source; retry later');
    this.name = 'TooManyLeakReportsError';
  }
}

/** The reports waiting to be checked are at their bound: nothing of this report was taken. */
export class LeakReportsBusyError extends Error implements ExpectedProblem {
  readonly code = 'ServiceUnavailable';
  readonly retryAfterSeconds = 30;
  constructor() {
    super('Too many leaked-key reports are waiting to be checked; retry later');
    this.name = 'LeakReportsBusyError';
  }
}
