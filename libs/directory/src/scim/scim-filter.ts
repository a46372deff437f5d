import { CONTROL_CHARACTER } from './scim-id.pipe.js';
import { invalidFilter } from './scim.errors.js';

/**
 * The part of SCIM's filter grammar (RFC 7644 §3.4.2.2) Keystream answers: one or more
 * `attribute op "string"` comparisons joined by `and`, where each attribute allows only the
 * operators listed for it. That covers what the provisioning clients send: Okta's and Entra ID's
 * `userName eq "x"`, Entra ID's `externalId eq "x"`, both `displayName eq "x"` for groups, and
 * `userName sw|co "x"` for an admin's search. Anything else (`or`, `not`, parentheses, value
 * paths, `pr`, the ordering operators, non-string values) is refused with 400 invalidFilter rather
 * than answered wrongly. Attribute names and operators are case-insensitive, and an attribute may
 * carry its schema URN (`urn:ietf:params:scim:schemas:core:2.0:User:userName`).
 *
 * Hand-written rather than `scim2-parse-filter` (0.2.x, a fork of an abandoned `scim2-filter`):
 * a full parser would still need this allow-list on top to refuse what the views cannot query, and
 * the grammar kept here is one regular expression.
 */
export type FilterOperator = 'eq' | 'co' | 'sw';

export interface FilterClause<A extends string> {
  attribute: A;
  operator: FilterOperator;
  value: string;
}

/** Each filterable attribute and the operators it allows. */
export type FilterableAttributes<A extends string> = Readonly<Record<A, readonly FilterOperator[]>>;

const MAX_CLAUSES = 8;
const CLAUSE = /^\s*([A-Za-z][\w.:$-]*)\s+([A-Za-z]+)\s+(?:"((?:[^"\\]|\\.)*)"|(\S+))\s*/;
const AND = /^and\s+/i;
const SCHEMA_URN = /^urn:ietf:params:scim:schemas:core:2\.0:(?:User|Group):/i;

/** The clauses of `filter` (all must hold), or [] for no filter; ScimError invalidFilter for what is not supported. */
export function parseFilter<A extends string>(filter: string | undefined, attributes: FilterableAttributes<A>): FilterClause<A>[] {
  if (filter === undefined || filter.trim() === '') return [];
  const names = Object.keys(attributes) as A[];
  const supported = names.map((name) => `${name} ${attributes[name].join('|')}`).join(', ');
  const clauses: FilterClause<A>[] = [];
  let rest = filter;
  for (;;) {
    const match = CLAUSE.exec(rest);
    if (!match) throw invalidFilter(`Unsupported filter; Keystream answers "attribute op \\"value\\"" joined by and, with ${supported}`);
    const [whole, rawAttribute, rawOperator, quoted, unquoted] = match;
    const attribute = names.find((name) => name.toLowerCase() === rawAttribute!.replace(SCHEMA_URN, '').toLowerCase());
    if (!attribute) throw invalidFilter(`Filtering on ${rawAttribute} is not supported; use ${supported}`);
    const operator = rawOperator!.toLowerCase() as FilterOperator;
    if (!attributes[attribute].includes(operator)) throw invalidFilter(`${attribute} ${rawOperator} is not supported; use ${supported}`);
    if (quoted === undefined) throw invalidFilter(`${attribute} is compared with a quoted string, not ${unquoted}`);
    clauses.push({ attribute, operator, value: unescape(quoted) });
    if (clauses.length > MAX_CLAUSES) throw invalidFilter(`At most ${MAX_CLAUSES} comparisons in one filter`);
    rest = rest.slice(whole!.length);
    if (rest === '') return clauses;
    const and = AND.exec(rest);
    if (!and) throw invalidFilter(`Only "and" joins comparisons; "${rest.split(/\s/)[0]}" is not supported`);
    rest = rest.slice(and[0].length);
  }
}

/** A filter string's value, with JSON's escapes (RFC 7644 §3.4.2.2: the value is a JSON string). */
function unescape(quoted: string): string {
  let value: string;
  try {
    value = JSON.parse(`"${quoted}"`) as string;
  } catch {
    throw invalidFilter('The filter value is not a valid string');
  }
  if (CONTROL_CHARACTER.test(value)) throw invalidFilter('The filter value holds a control character');
  return value;
}
