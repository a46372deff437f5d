import type { ExpectedProblem } from '@keystream/problem-details';
import type { ApiKeyError } from '../domain/index.js';

/**
 * Compile-time only: every domain error is a problem the HTTP filter can answer. The domain names
 * its codes without knowing HTTP; a code missing from the problem registry fails to compile here.
 */
export const answerable = (error: ApiKeyError): ExpectedProblem => error;
