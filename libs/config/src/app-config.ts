import { plainToInstance, Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength, ValidateIf, ValidationError, getMetadataStorage, validateSync } from 'class-validator';

const toInt = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : /^-?\d+$/.test(String(value)) ? Number(value) : value);
const emptyAsUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);
const toBool = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : value === 'true' ? true : value === 'false' ? false : value);

/** Every setting comes from the environment; names and defaults are listed in README.md. */
export class AppConfig {
  @Transform(toInt) @IsInt() @Min(0) @Max(65535)
  PORT = 8080;

  @Transform(emptyAsUndefined) @IsString()
  HOST = '0.0.0.0';

  @Transform(emptyAsUndefined) @IsString()
  DATA_DIR = './data';

  @Transform(emptyAsUndefined) @IsIn(['sqlite', 'esdb'])
  EVENT_STORE: 'sqlite' | 'esdb' = 'sqlite';

  @ValidateIf((c: AppConfig) => c.EVENT_STORE === 'esdb') @IsString() @MinLength(1)
  ESDB_CONNECTION_STRING?: string;

  @Transform(emptyAsUndefined) @IsIn(['sqlite', 'postgres'])
  READ_MODEL: 'sqlite' | 'postgres' = 'sqlite';

  @ValidateIf((c: AppConfig) => c.READ_MODEL === 'postgres') @IsString() @MinLength(1)
  DATABASE_URL?: string;

  /** PostgreSQL schema for the views and checkpoints (created if missing); default: the search path. */
  @Transform(emptyAsUndefined) @IsOptional() @Matches(/^[a-z_][a-z0-9_]{0,62}$/, { message: 'DATABASE_SCHEMA must be a lowercase SQL identifier' })
  DATABASE_SCHEMA?: string;

  /** HS256 secret for identity-provider tokens; at least 32 characters. */
  @Transform(emptyAsUndefined) @IsOptional() @IsString() @MinLength(32)
  AUTH_JWT_SECRET?: string;

  @Transform(emptyAsUndefined) @IsOptional() @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  AUTH_JWKS_URL?: string;

  @Transform(emptyAsUndefined) @IsOptional() @IsString()
  AUTH_JWT_ISSUER?: string;

  @Transform(emptyAsUndefined) @IsOptional() @IsString()
  AUTH_JWT_AUDIENCE?: string;

  /** The console's OpenID provider (authorization code + PKCE); with AUTH_OIDC_CLIENT_ID it replaces the dev sign-in. */
  @Transform(emptyAsUndefined) @IsOptional() @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  AUTH_OIDC_ISSUER?: string;

  /** The console's public client id at AUTH_OIDC_ISSUER (no secret: a browser cannot keep one). */
  @Transform(emptyAsUndefined) @IsOptional() @IsString()
  AUTH_OIDC_CLIENT_ID?: string;

  /**
   * SCIM bearer tokens, as hashes only: `<tenant>:<sha256 hex>,...` (`npm run cli -- scim-token`
   * issues one). A tenant listed has SCIM on: its directory governs who may act and as what role.
   */
  @Transform(emptyAsUndefined) @IsOptional() @Matches(/^[^,:\s]+:[0-9a-fA-F]{64}(,[^,:\s]+:[0-9a-fA-F]{64})*$/, { message: 'SCIM_TOKEN_SHA256 must be <tenant>:<64 hex digits>, comma-separated' })
  SCIM_TOKEN_SHA256?: string;

  @Transform(toInt) @IsInt() @Min(1) @Max(3650)
  MAX_KEY_LIFETIME_DAYS = 365;

  @Transform(toInt) @IsInt() @Min(1) @Max(10_000)
  MAX_KEYS_PER_USER = 20;

  @Transform(emptyAsUndefined) @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /** How long a command waits for the views to reflect it before answering anyway. */
  @Transform(toInt) @IsInt() @Min(0) @Max(60_000)
  CONSISTENCY_TIMEOUT_MS = 5000;

  /** Whether this instance runs the projections (the worker app always does). */
  @Transform(toBool) @IsIn([true, false])
  RUN_PROCESSORS = true;

  /** `kafka`: the audit relay publishes every key event to Kafka; `none`: no relay runs. */
  @Transform(emptyAsUndefined) @IsIn(['none', 'kafka'])
  AUDIT_SINK: 'none' | 'kafka' = 'none';

  @ValidateIf((c: AppConfig) => c.AUDIT_SINK === 'kafka') @IsString() @Matches(/^[^\s,]+:\d+(,[^\s,]+:\d+)*$/, { message: 'KAFKA_BROKERS must be host:port[,host:port]' })
  KAFKA_BROKERS?: string;

  @Transform(emptyAsUndefined) @IsString() @Matches(/^[A-Za-z0-9._-]{1,249}$/, { message: 'KAFKA_AUDIT_TOPIC must be a Kafka topic name' })
  KAFKA_AUDIT_TOPIC = 'keystream.audit.v1';

  /** The audit consumer's group; unset, the consumer's own default (its group id is versioned with it). */
  @Transform(emptyAsUndefined) @IsOptional() @Matches(/^[A-Za-z0-9._-]{1,249}$/, { message: 'KAFKA_AUDIT_GROUP must be a Kafka group id' })
  KAFKA_AUDIT_GROUP?: string;

  /** The audit trail the consumer writes and GET /v1/audit/events reads: SQLite file unless DATABASE_URL. */
  @Transform(emptyAsUndefined) @IsOptional() @IsString()
  AUDIT_DB_FILE?: string;

  @Transform(emptyAsUndefined) @IsOptional() @Matches(/^[a-z_][a-z0-9_]{0,62}$/, { message: 'AUDIT_DB_SCHEMA must be a lowercase SQL identifier' })
  AUDIT_DB_SCHEMA?: string;

  /** Requests per client address per window on the /v1/ routes (0: no limit). */
  @Transform(toInt) @IsInt() @Min(0) @Max(10_000_000)
  RATE_LIMIT_PER_IP = 10_000;

  /** Requests per tenant per window on the /v1/ routes, counted after authentication (0: no limit). */
  @Transform(toInt) @IsInt() @Min(0) @Max(10_000_000)
  RATE_LIMIT_PER_TENANT = 10_000;

  @Transform(toInt) @IsInt() @Min(1) @Max(3600)
  RATE_LIMIT_WINDOW_SECONDS = 10;

  /** Proxies whose X-Forwarded-For is believed (Fastify's trustProxy): `true`, or comma-separated addresses/CIDRs. */
  @Transform(emptyAsUndefined) @IsOptional() @IsString()
  TRUST_PROXY?: string;

  /** How long a successful scrypt verification is remembered, so warm requests skip hashing. */
  @Transform(toInt) @IsInt() @Min(0) @Max(3600)
  KEY_CACHE_TTL_SECONDS = 60;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * The settings a class declares, read from the class itself: those with a default (own properties
 * of an instance) and those without one (known only by their validation decorators), so a setting
 * added to the class is read from the environment without being listed a second time.
 */
export const settingNames = (settings: new () => object): string[] => {
  const decorated = getMetadataStorage()
    .getTargetValidationMetadatas(settings, '', true, false)
    .map((metadata) => metadata.propertyName);
  return [...new Set([...Object.keys(new settings()), ...decorated])];
};

/** Reads and checks the environment; the error names each bad variable and never echoes secrets. */
export const loadConfig = (env: NodeJS.ProcessEnv = process.env): AppConfig => {
  const known = settingNames(AppConfig);
  const present = Object.fromEntries(known.filter((k) => env[k] !== undefined).map((k) => [k, env[k]]));
  const config = plainToInstance(AppConfig, present, { exposeDefaultValues: true });
  const errors = validateSync(config, { forbidUnknownValues: false });
  if (config.AUTH_JWT_SECRET && config.AUTH_JWKS_URL) {
    errors.push(Object.assign(new ValidationError(), {
      property: 'AUTH_JWKS_URL',
      constraints: { exclusive: 'set AUTH_JWT_SECRET or AUTH_JWKS_URL, not both: one identity provider verifies tokens' },
    }));
  }
  if (errors.length > 0) {
    const lines = errors.map((error) => {
      const secret = /SECRET|URL|CONNECTION|BROKERS/.test(error.property);
      const got = secret ? '' : ` (got ${JSON.stringify(env[error.property] ?? '')})`;
      return `${error.property}: ${Object.values(error.constraints ?? {}).join('; ')}${got}`;
    });
    throw new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  return config;
};
