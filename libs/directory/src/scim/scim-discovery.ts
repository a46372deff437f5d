import { GROUP_SCHEMA, SCIM_BASE } from './scim-user.resource.js';
import { ENTERPRISE_USER_SCHEMA, USER_SCHEMA } from './scim-user.schema.js';

/**
 * The discovery documents of RFC 7644 §4 (shapes from RFC 7643 §5, §6 and §7), saying what Keystream
 * supports and nothing more: PATCH yes; filters yes (what ../scim-filter.ts reads), at most
 * MAX_RESULTS a page; bulk, sort, change of password and ETags no (meta.version is returned, but no
 * If-Match / If-None-Match is honoured, so RFC 7644 §3.14 support is not claimed); one
 * authentication scheme, a per-tenant bearer token. Static documents, tested against the RFC's
 * shapes (scim-discovery.spec.ts); no SCIM library is in the project (README, "Dependencies and why").
 */
export const SERVICE_PROVIDER_CONFIG_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';
export const RESOURCE_TYPE_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType';
export const SCHEMA_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Schema';

type AttributeType = 'string' | 'boolean' | 'decimal' | 'integer' | 'dateTime' | 'reference' | 'binary' | 'complex';
type Mutability = 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
type Returned = 'always' | 'never' | 'default' | 'request';
type Uniqueness = 'none' | 'server' | 'global';

/** One attribute definition (RFC 7643 §7), every characteristic spelled out. */
export interface AttributeDefinition {
  name: string;
  type: AttributeType;
  multiValued: boolean;
  description: string;
  required: boolean;
  caseExact: boolean;
  mutability: Mutability;
  returned: Returned;
  uniqueness: Uniqueness;
  canonicalValues?: string[];
  referenceTypes?: string[];
  subAttributes?: AttributeDefinition[];
}

type Options = Partial<Omit<AttributeDefinition, 'name' | 'type' | 'description'>>;

const attribute = (name: string, type: AttributeType, description: string, options: Options = {}): AttributeDefinition => ({
  name,
  type,
  multiValued: false,
  description,
  required: false,
  caseExact: false,
  mutability: 'readWrite',
  returned: 'default',
  uniqueness: 'none',
  ...options,
});

const text = (name: string, description: string, options: Options = {}) => attribute(name, 'string', description, options);

/** The sub-attributes every multi-valued attribute of the User schema has (RFC 7643 §2.4). */
const multiValued = (name: string, description: string, canonicalTypes: string[], valueType: AttributeType = 'string', extra: AttributeDefinition[] = []) =>
  attribute(name, 'complex', description, {
    multiValued: true,
    subAttributes: [
      attribute('value', valueType, `The ${name} value`, valueType === 'reference' ? { referenceTypes: ['external'] } : {}),
      text('display', 'A human-readable name, for display only'),
      text('type', 'A label for its function', canonicalTypes.length > 0 ? { canonicalValues: canonicalTypes } : {}),
      attribute('primary', 'boolean', 'Whether this is the primary value'),
      ...extra,
    ],
  });

const USER_ATTRIBUTES: AttributeDefinition[] = [
  text('userName', "The user's uid in Keystream: the `sub` of their tokens and the owner of their keys; unique in the tenant", { required: true, uniqueness: 'server' }),
  attribute('name', 'complex', "The user's name", {
    subAttributes: ['formatted', 'familyName', 'givenName', 'middleName', 'honorificPrefix', 'honorificSuffix'].map((sub) => text(sub, `The ${sub} part of the name`)),
  }),
  text('displayName', 'The name to display'),
  text('nickName', 'A casual name'),
  attribute('profileUrl', 'reference', "The user's online profile", { referenceTypes: ['external'] }),
  text('title', "The user's title"),
  text('userType', 'The relationship to the organization'),
  text('preferredLanguage', 'Preferred language (RFC 7231 Accept-Language)'),
  text('locale', 'Default location, for localization'),
  text('timezone', 'Time zone, in the IANA database format'),
  attribute('active', 'boolean', 'false deactivates the user: every key the user owns is revoked (reason owner-deactivated), and their credentials are refused'),
  multiValued('emails', 'Email addresses', ['work', 'home', 'other']),
  multiValued('phoneNumbers', 'Phone numbers', ['work', 'home', 'mobile', 'fax', 'pager', 'other']),
  multiValued('ims', 'Instant messaging addresses', []),
  multiValued('photos', 'URLs of photos', ['photo', 'thumbnail'], 'reference'),
  attribute('addresses', 'complex', 'Physical mailing addresses', {
    multiValued: true,
    subAttributes: [
      ...['formatted', 'streetAddress', 'locality', 'region', 'postalCode', 'country'].map((sub) => text(sub, `The ${sub} part of the address`)),
      text('type', 'A label for its function', { canonicalValues: ['work', 'home', 'other'] }),
      attribute('primary', 'boolean', 'Whether this is the primary address'),
    ],
  }),
  multiValued('entitlements', 'Entitlements (kept, not acted on)', []),
  multiValued('roles', 'Roles (kept, not acted on: the tenant-admin role comes from the tenant-admin group)', []),
  multiValued('x509Certificates', 'Certificates', [], 'binary'),
];

const ENTERPRISE_ATTRIBUTES: AttributeDefinition[] = [
  text('employeeNumber', 'Employee number'),
  text('costCenter', 'Cost center'),
  text('organization', 'Organization'),
  text('division', 'Division'),
  text('department', 'Department'),
  attribute('manager', 'complex', "The user's manager", {
    subAttributes: [text('value', "The manager's id"), attribute('$ref', 'reference', "The manager's resource", { referenceTypes: ['User'] }), text('displayName', "The manager's name", { mutability: 'readOnly' })],
  }),
];

const GROUP_ATTRIBUTES: AttributeDefinition[] = [
  text('displayName', 'Always tenant-admin: Keystream keeps one group, whose members are the tenant admins', { required: true }),
  attribute('members', 'complex', "The tenant's admins", {
    multiValued: true,
    subAttributes: [
      text('value', "A member's SCIM id", { mutability: 'immutable' }),
      attribute('$ref', 'reference', "The member's resource", { mutability: 'immutable', referenceTypes: ['User'] }),
      text('display', "The member's userName", { mutability: 'readOnly' }),
      text('type', 'User (groups cannot be members)', { mutability: 'immutable', canonicalValues: ['User'] }),
    ],
  }),
];

const schemaDocument = (id: string, name: string, description: string, attributes: AttributeDefinition[]) => ({
  schemas: [SCHEMA_SCHEMA],
  id,
  name,
  description,
  attributes,
  meta: { resourceType: 'Schema', location: `${SCIM_BASE}/Schemas/${id}` },
});

export const SCHEMAS = [
  schemaDocument(USER_SCHEMA, 'User', 'User Account (the attributes Keystream keeps; others sent are ignored)', USER_ATTRIBUTES),
  schemaDocument(ENTERPRISE_USER_SCHEMA, 'EnterpriseUser', 'Enterprise User (kept, not acted on)', ENTERPRISE_ATTRIBUTES),
  schemaDocument(GROUP_SCHEMA, 'Group', 'Group (only tenant-admin)', GROUP_ATTRIBUTES),
] as const;

const resourceType = (id: string, endpoint: string, description: string, schema: string, extensions: string[]) => ({
  schemas: [RESOURCE_TYPE_SCHEMA],
  id,
  name: id,
  endpoint,
  description,
  schema,
  ...(extensions.length > 0 ? { schemaExtensions: extensions.map((extension) => ({ schema: extension, required: false })) } : {}),
  meta: { resourceType: 'ResourceType', location: `${SCIM_BASE}/ResourceTypes/${id}` },
});

export const RESOURCE_TYPES = [
  resourceType('User', '/Users', "A tenant's user: the owner of API keys", USER_SCHEMA, [ENTERPRISE_USER_SCHEMA]),
  resourceType('Group', '/Groups', 'The tenant-admin group', GROUP_SCHEMA, []),
] as const;

export const serviceProviderConfig = (maxResults: number) => ({
  schemas: [SERVICE_PROVIDER_CONFIG_SCHEMA],
  patch: { supported: true },
  bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
  filter: { supported: true, maxResults },
  changePassword: { supported: false },
  sort: { supported: false },
  etag: { supported: false },
  authenticationSchemes: [
    {
      type: 'oauthbearertoken',
      name: 'OAuth Bearer Token',
      description: 'Authorization: Bearer <token>, a token issued per tenant by `keystream scim-token --tenant <uid>` (its SHA-256 in SCIM_TOKEN_SHA256)',
      specUri: 'https://www.rfc-editor.org/rfc/rfc6750',
          primary: true,
    },
  ],
  meta: { resourceType: 'ServiceProviderConfig', location: `${SCIM_BASE}/ServiceProviderConfig` },
});
