import { API_KEY_STREAM_PREFIX } from '../../domain/index.js';
import { type ReadView, keyedFold } from '../view.js';
import { evolveVerification } from './key-verification.evolve.js';
import { KEY_VERIFICATION_LOOKUP, keyVerificationLookup, keyVerificationRows } from './key-verification.queries.js';
import {
  KEY_VERIFICATION_COLUMNS,
  KEY_VERIFICATION_MIGRATIONS,
  KEY_VERIFICATION_TABLE,
  createKeyVerificationTables,
} from './key-verification.table.js';

/** What the request path checks a presented key against; the only view that holds the hash. */
export const keyVerificationView: ReadView = {
  name: 'key-verification',
  /** Bump when evolveVerification changes what it writes: the view is then rebuilt beside the live one. */
  version: 1,
  filter: { streamNamePrefixes: [API_KEY_STREAM_PREFIX] },
  tables: [{ name: KEY_VERIFICATION_TABLE, columns: KEY_VERIFICATION_COLUMNS }],
  migrations: KEY_VERIFICATION_MIGRATIONS,
  createCurrent: createKeyVerificationTables,
  ...keyedFold(keyVerificationRows, evolveVerification),
  ports: [{ token: KEY_VERIFICATION_LOOKUP, create: keyVerificationLookup }],
};
