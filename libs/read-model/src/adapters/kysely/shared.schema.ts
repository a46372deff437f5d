/** The tables every view shares: processor checkpoints and the version each view was built by. */
export interface CheckpointTable {
  name: string;
  position: string;
  updated_at: string;
}

export interface ViewVersionTable {
  name: string;
  version: number;
  updated_at: string;
}

export interface SharedDatabase {
  checkpoints: CheckpointTable;
  view_versions: ViewVersionTable;
}

export const CHECKPOINTS_TABLE = 'checkpoints';
export const VIEW_VERSIONS_TABLE = 'view_versions';
export const SHADOW_SUFFIX = '__shadow';

export const shadowName = (table: string): string => `${table}${SHADOW_SUFFIX}`;
