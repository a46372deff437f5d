import { API_KEY_STREAM_PREFIX } from '../../domain/index.js';
import { type ReadView, keyedFold } from '../view.js';
import { evolveListing } from './key-listing.evolve.js';
import { KEY_LISTING_QUERIES, keyListingQueries, keyListingRows } from './key-listing.queries.js';
import { KEY_LIFETIME_QUERIES, keyLifetimeQueries } from './key-listing.lifetime.queries.js';
import {
  KEY_LISTING_COLUMNS,
  KEY_LISTING_MIGRATIONS,
  KEY_LISTING_TABLE,
  createKeyListingTables,
  ensureNameSearchIndex,
} from './key-listing.table.js';

/** The tenant-wide listing behind GET /v1/apiKeys and GET /v1/apiKeys/{uid}. */
export const keyListingView: ReadView = {
  name: 'key-listing',
  /** Bump when evolveListing changes what it writes: the view is then rebuilt beside the live one. */
  version: 1,
  filter: { streamNamePrefixes: [API_KEY_STREAM_PREFIX] },
  tables: [{ name: KEY_LISTING_TABLE, columns: KEY_LISTING_COLUMNS }],
  migrations: KEY_LISTING_MIGRATIONS,
  createCurrent: createKeyListingTables,
  setUp: ensureNameSearchIndex,
  ...keyedFold(keyListingRows, evolveListing),
  ports: [
    { token: KEY_LISTING_QUERIES, create: keyListingQueries },
    { token: KEY_LIFETIME_QUERIES, create: keyLifetimeQueries },
  ],
};
