import { API_KEY_STREAM_PREFIX } from '../../domain/index.js';
import { type ReadView, keyedFold } from '../view.js';
import { evolveExpiryNotice } from './expiry-notices.evolve.js';
import { EXPIRY_NOTICE_QUERIES, expiryNoticeQueries, expiryNoticeRows } from './expiry-notices.queries.js';
import { EXPIRY_NOTICE_COLUMNS, EXPIRY_NOTICE_MIGRATIONS, EXPIRY_NOTICE_TABLE, createExpiryNoticeTables } from './expiry-notices.table.js';

/** Which keys are due for an expiry notice, so the notice processor never scans the log. */
export const expiryNoticeView: ReadView = {
  name: 'key-expiry-notice',
  /** Bump when evolveExpiryNotice changes what it writes: the view is then rebuilt beside the live one. */
  version: 1,
  filter: { streamNamePrefixes: [API_KEY_STREAM_PREFIX] },
  tables: [{ name: EXPIRY_NOTICE_TABLE, columns: EXPIRY_NOTICE_COLUMNS }],
  migrations: EXPIRY_NOTICE_MIGRATIONS,
  createCurrent: createExpiryNoticeTables,
  ...keyedFold(expiryNoticeRows, evolveExpiryNotice),
  ports: [{ token: EXPIRY_NOTICE_QUERIES, create: expiryNoticeQueries }],
};
