import { describe, expect, it } from 'vitest';
import { classifyDriverError, ignoreConcurrentSchemaCreate } from './driver-errors.js';

const coded = (code: string | number, message = `failed with ${code}`) => Object.assign(new Error(message), { code });

describe('classifyDriverError', () => {
  it('reads network failures and PostgreSQL connection, resource, shutdown and timeout states as outages', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', '08006', '08001', '53100', '57P01', '57P03', '57014']) {
      expect(classifyDriverError(coded(code)), code).toBe('unavailable');
    }
  });

  it('reads a full or failing disk under an embedded store as an outage', () => {
    for (const code of ['ENOSPC', 'EIO', 'SQLITE_FULL', 'SQLITE_IOERR', 'SQLITE_IOERR_WRITE']) expect(classifyDriverError(coded(code)), code).toBe('unavailable');
  });

  it('reads a busy SQLite file, a lock timeout and a full server or pool as busy', () => {
    for (const code of ['SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_LOCKED', '55P03', '53300']) expect(classifyDriverError(coded(code)), code).toBe('busy');
    expect(classifyDriverError(new Error('timeout exceeded when trying to connect'))).toBe('busy');
  });

  it('reads the pg client’s code-less connection failures as outages', () => {
    for (const message of ['Query read timeout', 'Connection terminated due to connection timeout', 'Connection terminated unexpectedly', 'Client has encountered a connection error and is not queryable']) {
      expect(classifyDriverError(new Error(message)), message).toBe('unavailable');
    }
  });

  it('leaves real errors alone: constraints, SQL mistakes, bugs, and those messages under another code', () => {
    for (const error of [coded('23505'), coded('42P01'), coded('SQLITE_CONSTRAINT'), new TypeError('x is undefined'), coded(14, 'Query read timeout')]) {
      expect(classifyDriverError(error)).toBeUndefined();
    }
    expect(classifyDriverError('ECONNREFUSED')).toBeUndefined();
  });
});

describe('ignoreConcurrentSchemaCreate', () => {
  it('ignores only the two ways a concurrent create of the same schema fails', () => {
    expect(() => ignoreConcurrentSchemaCreate(coded('23505'))).not.toThrow();
    expect(() => ignoreConcurrentSchemaCreate(coded('42P06'))).not.toThrow();
    for (const error of [coded('42501'), coded('ECONNREFUSED'), new Error('x')]) expect(() => ignoreConcurrentSchemaCreate(error)).toThrow(error);
  });
});
