import type { Projection } from '@keystream/processing';
import { keyListingProjection } from './key-listing.projection.js';
import { keyVerificationProjection } from './key-verification.projection.js';

export * from './key-listing.projection.js';
export * from './key-verification.projection.js';

/** Every projection of the API key feature; command handlers wait for all of them. */
export const API_KEY_PROJECTIONS: readonly Projection[] = [keyListingProjection, keyVerificationProjection];
