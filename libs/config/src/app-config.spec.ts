import { IsInt, IsOptional, IsString } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { AppConfig, ConfigError, loadConfig, settingNames } from './app-config.js';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ PORT: 8080, DATA_DIR: './data', EVENT_STORE: 'sqlite', READ_MODEL: 'sqlite', MAX_KEY_LIFETIME_DAYS: 365, MAX_KEYS_PER_USER: 20, LOG_LEVEL: 'info' });
  });

  it('reads values from the environment', () => {
    expect(loadConfig({ PORT: '9000', MAX_KEY_LIFETIME_DAYS: '90', RUN_PROCESSORS: 'false' })).toMatchObject({ PORT: 9000, MAX_KEY_LIFETIME_DAYS: 90, RUN_PROCESSORS: false });
  });

  it('names the variable that is wrong', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT: .*"eighty"/);
    expect(() => loadConfig({ MAX_KEY_LIFETIME_DAYS: '0' })).toThrow(/MAX_KEY_LIFETIME_DAYS/);
    expect(() => loadConfig({ READ_MODEL: 'postgres' })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(ConfigError);
  });

  it('refuses two identity providers at once', () => {
    expect(() => loadConfig({ AUTH_JWT_SECRET: 'x'.repeat(32), AUTH_JWKS_URL: 'https://idp.example/jwks' })).toThrow(/AUTH_JWKS_URL: set AUTH_JWT_SECRET or AUTH_JWKS_URL, not both/);
  });

  it('never echoes a secret it refuses', () => {
    expect(() => loadConfig({ AUTH_JWT_SECRET: 'short-secret' })).toThrow(/AUTH_JWT_SECRET/);
    try {
      loadConfig({ AUTH_JWT_SECRET: 'short-secret' });
    } catch (error) {
      expect(String(error)).not.toContain('short-secret');
    }
  });

  it('reads every setting the class declares, with or without a default, from one list', () => {
    class Settings {
      @IsInt() WITH_DEFAULT = 1;
      @IsOptional() @IsString() WITHOUT_DEFAULT?: string;
    }
    expect(settingNames(Settings).sort()).toEqual(['WITHOUT_DEFAULT', 'WITH_DEFAULT']);
    const optional = ['ESDB_CONNECTION_STRING', 'DATABASE_URL', 'DATABASE_SCHEMA', 'KAFKA_BROKERS', 'KAFKA_AUDIT_GROUP', 'AUDIT_DB_FILE', 'AUDIT_DB_SCHEMA', 'AUTH_JWT_SECRET', 'AUTH_JWKS_URL', 'AUTH_JWT_ISSUER', 'AUTH_JWT_AUDIENCE'];
    expect(settingNames(AppConfig)).toEqual(expect.arrayContaining(optional));
    expect(loadConfig({ KAFKA_AUDIT_GROUP: 'audit-replay', DATABASE_SCHEMA: 'views' })).toMatchObject({ KAFKA_AUDIT_GROUP: 'audit-replay', DATABASE_SCHEMA: 'views' });
  });
});
