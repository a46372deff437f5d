import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { Type } from 'class-transformer';
import { ValidateBy, ValidateNested } from 'class-validator';
import { InvalidRequestError, type FieldError } from '../domain/index.js';

/** Unknown fields are refused, not dropped; every failure names its field. */
export const createValidationPipe = (): ValidationPipe =>
  new ValidationPipe({
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
    const own = Object.values(error.constraints ?? {}).map((message) => ({
      field,
      message: message.replace(/^property \S+ should not exist$/, 'is not a known field'),
    }));
    return [...own, ...flatten(error.children ?? [], field)];
  });

/** Trimmed names; control characters are refused rather than silently stripped. */
export const NAME_PATTERN = /^[^\p{Cc}]*$/u;
export const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** class-transformer's @Type plus class-validator's @ValidateNested: one nested object, validated. */
export function ValidateNestedAs(type: () => new () => object): PropertyDecorator {
  return (target, key) => {
    Type(type)(target, key);
    ValidateNested()(target, key);
  };
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:[Zz]|[+-](\d{2}):(\d{2}))$/;

/**
 * An RFC 3339 date-time that exists in the calendar. Pattern checks alone let 2027-02-30 through,
 * which Date then rolls into March; validator's strict ISO check refuses years below 100, and so
 * Palette's zero time 0001-01-01T00:00:00.000Z ("not provided"). So the fields are checked here.
 */
export const isCalendarDateTime = (text: unknown): boolean => {
  const match = typeof text === 'string' ? RFC3339.exec(text) : null;
  if (!match) return false;
  const [year, month, day, hour, minute, second, offsetHours = 0, offsetMinutes = 0] = match.slice(1).map((part) => Number(part ?? 0));
  const date = new Date(0);
  date.setUTCFullYear(year!, month! - 1, day!);
  const dayExists = date.getUTCFullYear() === year && date.getUTCMonth() === month! - 1 && date.getUTCDate() === day;
  return dayExists && hour! < 24 && minute! < 60 && second! < 60 && offsetHours! < 24 && offsetMinutes! < 60;
};

export const IsCalendarDateTime = () =>
  ValidateBy({
    name: 'isCalendarDateTime',
    validator: {
      validate: isCalendarDateTime,
      defaultMessage: () => '$property must be an RFC 3339 date-time that exists in the calendar',
    },
  });
