export * from './domain/index.js';
export { decodeDirectoryUserEvent, decodeRelayedEvent, MalformedDirectoryEventError, toDirectoryEventToAppend } from './application/directory-user-event.codec.js';
export { DirectoryStanding, governed, standingFrom, type Standing } from './application/directory-standing.js';
export { directoryUsersView } from './views/directory-users/directory-users.view.js';
export { DIRECTORY_USER_QUERIES, directoryUserQueries, type DirectoryUserQueries } from './views/directory-users/directory-users.queries.js';
export type { DirectoryUserRow } from './views/directory-users/directory-user.row.js';
export { ScimTokens, hashScimToken, issueScimToken, SCIM_TOKEN_PREFIX } from './scim/scim-tokens.js';
export { OFFBOARDING_PROCESSOR, offboardingProcessor } from './offboarding/offboarding.processor.js';
export { DirectoryModule, DirectoryProcessingModule, type DirectoryOptions } from './directory.module.js';
import { directoryUsersView } from './views/directory-users/directory-users.view.js';

/** The directory's read views, registered beside the key views by the apps. */
export const DIRECTORY_VIEWS = [directoryUsersView] as const;
