import { keyListingView } from './key-listing/key-listing.view.js';
import { keyVerificationView } from './key-verification/key-verification.view.js';
import { expiryNoticeView } from './expiry-notices/expiry-notices.view.js';
import type { ReadView } from './view.js';

export type { ReadView, ViewPort } from './view.js';
export * from './key-listing/key-listing.row.js';
export * from './key-listing/key-listing.queries.js';
export { evolveListing } from './key-listing/key-listing.evolve.js';
export { keyListingView } from './key-listing/key-listing.view.js';
export * from './key-verification/key-verification.row.js';
export * from './key-verification/key-verification.queries.js';
export { evolveVerification } from './key-verification/key-verification.evolve.js';
export { keyVerificationView } from './key-verification/key-verification.view.js';
export * from './expiry-notices/expiry-notices.row.js';
export * from './expiry-notices/expiry-notices.queries.js';
export { evolveExpiryNotice } from './expiry-notices/expiry-notices.evolve.js';
export { expiryNoticeView } from './expiry-notices/expiry-notices.view.js';
export * from './key-usage/key-usage.store.js';
export { KEY_USAGE_TABLE } from './key-usage/key-usage.table.js';

/**
 * The view registry: every read view of the API key feature, one line each. The read model migrates,
 * shadows and swaps their tables; processing runs and rebuilds their projections; the module offers
 * their query ports. Command handlers wait for all of them.
 */
export const API_KEY_VIEWS: readonly ReadView[] = [
  keyListingView,
  keyVerificationView,
  expiryNoticeView,
];

