/** The schema could not be brought to the latest version; the process must not start on it. */
export class ReadModelMigrationError extends Error {
  readonly code = 'ReadModelMigrationFailed' as const;
  constructor(
    readonly migrationName: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(`Read-model migration ${migrationName ?? '(setup)'} failed`, options);
    this.name = 'ReadModelMigrationError';
  }
}
