import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { Type } from 'class-transformer';
import { ValidateNested } from 'class-validator';
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
