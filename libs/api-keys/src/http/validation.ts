import { type ArgumentMetadata, ValidationPipe, type ValidationError } from '@nestjs/common';
import { Type } from 'class-transformer';
import { ValidateBy, ValidateNested, getMetadataStorage } from 'class-validator';
import { InvalidRequestError, type FieldError } from '../domain/index.js';
import { IsCalendarDateTime, isRfc3339DateTime } from '@keystream/validation';

export { IsCalendarDateTime };

const NOT_KNOWN = 'is not a known field';

/**
 * Unknown fields are refused, not dropped; every failure names its field. Unknown fields are found
 * on the request as it arrived (own properties only), before class-transformer maps it: the mapping
 * silently skips keys named like inherited members (`toString`, `hasOwnProperty`, …), and
 * class-validator looks fields up in a plain object, where those names always "exist".
 */
class StrictValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const checked = this.toValidate(metadata) && typeof metadata.metatype === 'function' && metadata.type !== 'custom';
    const unknown = checked ? unknownFields(value, metadata.metatype as Dto) : [];
    let mapped: unknown;
    try {
      mapped = await super.transform(value, metadata);
    } catch (error) {
      if (!checked || !(error instanceof InvalidRequestError)) throw error;
      throw new InvalidRequestError([...unknown, ...error.errors.filter((e) => e.message !== NOT_KNOWN)]);
    }
    if (unknown.length > 0) throw new InvalidRequestError(unknown);
    return mapped;
  }
}

export const createValidationPipe = (): ValidationPipe =>
  new StrictValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new InvalidRequestError(flatten(errors)),
  });

const flatten = (errors: ValidationError[], parent = ''): FieldError[] =>
  errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.entries(error.constraints ?? {}).flatMap(([rule, message]) =>
      FIELD_ERROR_RULES.has(rule)
        ? (JSON.parse(message) as FieldError[]).map((inner) => ({ field: inner.field ? `${field}.${inner.field}` : field, message: inner.message }))
        : [{ field, message: message.replace(/^property \S+ should not exist$/, NOT_KNOWN) }],
    );
    return [...own, ...flatten(error.children ?? [], field)];
  });

/**
 * Validators that check inside a free-form value (a map) report a field per problem: their message
 * is a JSON list of FieldErrors relative to the property, expanded here (see ValidateFields).
 */
const FIELD_ERROR_RULES = new Set<string>();

/** A validator for a property whose problems are FieldErrors below it (`field` relative, '' for the property itself). */
export function ValidateFields(name: string, problems: (value: unknown) => FieldError[]): PropertyDecorator {
  FIELD_ERROR_RULES.add(name);
  return ValidateBy({
    name,
    validator: {
      validate: (value) => problems(value).length === 0,
      defaultMessage: (args) => JSON.stringify(problems(args?.value)),
    },
  });
}

// ---------------------------------------------------------------- unknown fields, own properties only

type Dto = new () => object;
const NESTED_TYPE = Symbol('keystream:nested-type');
const knownByDto = new WeakMap<Dto, ReadonlySet<string>>();

const knownFields = (dto: Dto): ReadonlySet<string> => {
  let known = knownByDto.get(dto);
  if (!known) {
    known = new Set(getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false).map((m) => m.propertyName));
    knownByDto.set(dto, known);
  }
  return known;
};

/** A field name is shown back only when it is short and plain; anything else is not echoed. */
const shown = (key: string): string => (/^[\w$-]{1,64}$/.test(key) ? key : '(a field name not shown)');

/** Own keys of `value` that `dto` does not declare, following nested DTOs; types are class-validator's job. */
export const unknownFields = (value: unknown, dto: Dto, parent = ''): FieldError[] => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  const known = knownFields(dto);
  return Object.keys(value).flatMap((key) => {
    const field = parent ? `${parent}.${shown(key)}` : shown(key);
    if (!known.has(key)) return [{ field, message: NOT_KNOWN }];
    const nested = Reflect.getMetadata(NESTED_TYPE, dto.prototype, key) as (() => Dto) | undefined;
    return nested ? unknownFields((value as Record<string, unknown>)[key], nested(), field) : [];
  });
};

// ---------------------------------------------------------------- field rules shared by the DTOs

/** Trimmed names; control characters are refused rather than silently stripped. */
export const NAME_PATTERN = /^[^\p{Cc}]*$/u;
export const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** class-transformer's @Type plus class-validator's @ValidateNested: one nested object, validated. */
export function ValidateNestedAs(type: () => new () => object): PropertyDecorator {
  return (target, key) => {
    Type(type)(target, key);
    ValidateNested()(target, key);
    Reflect.defineMetadata(NESTED_TYPE, type, target, key);
  };
}

/** Kept under its old name: the DTOs' date-times, checked by the one RFC 3339 parser. */
export const isCalendarDateTime = isRfc3339DateTime;
