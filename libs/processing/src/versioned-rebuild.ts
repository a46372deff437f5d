import type { ViewVersions } from '@keystream/read-model';
import type { Projection } from './projection.js';

/**
 * The projections whose rows were built by another version than the code's, so must be rebuilt.
 * A view with no recorded version has never been built by another one (a fresh database, or a view
 * just added): it takes the code's version and is built live from the first event.
 */
export async function outdatedProjections(versions: ViewVersions, projections: readonly Projection[]): Promise<Projection[]> {
  const applied = await versions.appliedVersions();
  await versions.adoptVersions(projections.filter(({ name }) => !applied.has(name)).map(({ name, version }) => ({ name, version })));
  return projections.filter(({ name, version }) => applied.has(name) && applied.get(name) !== version);
}
