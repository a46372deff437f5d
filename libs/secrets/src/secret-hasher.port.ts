export const SECRET_HASHER = Symbol('SECRET_HASHER');

/** Turns a key value into a storable hash and checks a presented value against one. */
export interface SecretHasher {
  hash(secret: string): Promise<string>;
  /** Constant-time in the hash comparison; false (never a throw) for a malformed stored hash. */
  verify(secret: string, storedHash: string): Promise<boolean>;
}
