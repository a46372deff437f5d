export * from './secret-hasher.port.js';
export * from './api-key-value.js';
export { ScryptSecretHasher, DEFAULT_SCRYPT_PARAMETERS, type ScryptParameters } from './adapters/scrypt/scrypt.secret-hasher.js';
export * from './id-generator.port.js';
