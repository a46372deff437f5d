import { describe, expect, it } from 'vitest';
import { type AttributeDefinition, RESOURCE_TYPES, SCHEMAS, serviceProviderConfig } from './scim-discovery.js';

const TYPES = ['string', 'boolean', 'decimal', 'integer', 'dateTime', 'reference', 'binary', 'complex'];
const MUTABILITY = ['readOnly', 'readWrite', 'immutable', 'writeOnly'];
const RETURNED = ['always', 'never', 'default', 'request'];
const UNIQUENESS = ['none', 'server', 'global'];

/** RFC 7643 §7: every attribute definition carries these characteristics with these values. */
function expectAttributeShape(definition: AttributeDefinition, path: string, depth = 0): void {
  expect(typeof definition.name, path).toBe('string');
  expect(TYPES, `${path}.type`).toContain(definition.type);
  for (const flag of ['multiValued', 'required', 'caseExact'] as const) expect(typeof definition[flag], `${path}.${flag}`).toBe('boolean');
  expect(typeof definition.description, path).toBe('string');
  expect(MUTABILITY, `${path}.mutability`).toContain(definition.mutability);
  expect(RETURNED, `${path}.returned`).toContain(definition.returned);
  expect(UNIQUENESS, `${path}.uniqueness`).toContain(definition.uniqueness);
  if (definition.type === 'reference') expect(definition.referenceTypes?.length, `${path}.referenceTypes`).toBeGreaterThan(0);
  // Complex attributes have sub-attributes, and only one level of them (§2.3.8).
  if (definition.type === 'complex') {
    expect(depth, `${path} nests complex in complex`).toBe(0);
    expect(definition.subAttributes?.length, `${path}.subAttributes`).toBeGreaterThan(0);
    for (const sub of definition.subAttributes!) expectAttributeShape(sub, `${path}.${sub.name}`, depth + 1);
  } else {
    expect(definition.subAttributes, `${path}.subAttributes`).toBeUndefined();
  }
}

describe('SCIM discovery documents (RFC 7644 §4, RFC 7643 §5-§7)', () => {
  it('ServiceProviderConfig has every member §5 requires and says what Keystream supports', () => {
    const config = serviceProviderConfig(200);
    expect(config).toMatchObject({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
      patch: { supported: true },
      bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
      filter: { supported: true, maxResults: 200 },
      changePassword: { supported: false },
      sort: { supported: false },
      etag: { supported: false },
      meta: { resourceType: 'ServiceProviderConfig', location: '/scim/v2/ServiceProviderConfig' },
    });
    expect(config.authenticationSchemes).toHaveLength(1);
    expect(config.authenticationSchemes[0]).toMatchObject({ type: 'oauthbearertoken', primary: true });
    const [scheme] = config.authenticationSchemes;
    for (const member of ['name', 'description'] as const) expect(typeof scheme?.[member]).toBe('string');
  });

  it('ResourceTypes: User (enterprise extension optional) and Group, each with id, name, endpoint, schema and meta', () => {
    expect(RESOURCE_TYPES.map(({ id, endpoint, schema }) => [id, endpoint, schema])).toEqual([
      ['User', '/Users', 'urn:ietf:params:scim:schemas:core:2.0:User'],
      ['Group', '/Groups', 'urn:ietf:params:scim:schemas:core:2.0:Group'],
    ]);
    expect(RESOURCE_TYPES[0]).toMatchObject({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'], schemaExtensions: [{ schema: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User', required: false }] });
    for (const type of RESOURCE_TYPES) expect(type.meta).toEqual({ resourceType: 'ResourceType', location: `/scim/v2/ResourceTypes/${type.id}` });
  });

  it('every resource type names a schema that /Schemas serves, every attribute is well formed, and names are unique per level', () => {
    const ids = SCHEMAS.map((schema) => schema.id);
    for (const type of RESOURCE_TYPES) {
      expect(ids).toContain(type.schema);
      for (const extension of ('schemaExtensions' in type ? type.schemaExtensions : undefined) ?? []) expect(ids).toContain(extension.schema);
    }
    for (const schema of SCHEMAS) {
      expect(schema.meta).toEqual({ resourceType: 'Schema', location: `/scim/v2/Schemas/${schema.id}` });
      const names = schema.attributes.map((definition) => definition.name.toLowerCase());
      expect(new Set(names).size, schema.id).toBe(names.length);
      for (const definition of schema.attributes) expectAttributeShape(definition, `${schema.name}.${definition.name}`);
    }
  });

  it('the User schema says what the endpoints do: userName required and unique in the tenant; no password is kept', () => {
    const user = SCHEMAS.find((schema) => schema.name === 'User')!;
    expect(user.attributes.find((definition) => definition.name === 'userName')).toMatchObject({ required: true, uniqueness: 'server', caseExact: false });
    expect(user.attributes.find((definition) => definition.name === 'active')).toMatchObject({ type: 'boolean' });
    expect(user.attributes.map((definition) => definition.name)).not.toContain('password');
  });
});
