import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { type FieldError, METADATA_LIMITS, RESERVED_ANNOTATIONS, type StringMap, customEntries, stringMapProblems } from '../domain/index.js';
import { IsCalendarDateTime, NAME_PATTERN, ValidateFields, trim } from '../http/validation.js';

/**
 * `metadata.annotations`: free-form, as Palette's spec has it. `description` is the key's
 * description (at most 1,024 characters); `ownerUid`, `tenantUid` and `scope` are Keystream's and
 * read-only (a client echoing a GET back may send them: they are ignored); every other entry is
 * stored as it is, within METADATA_LIMITS.
 */
export type KeyAnnotations = Record<string, string> & { description?: string };

const mapSchema = (description: string): ApiPropertyOptions => ({
  type: 'object',
  additionalProperties: { type: 'string', maxLength: METADATA_LIMITS.valueLength },
  maxProperties: METADATA_LIMITS.entries + RESERVED_ANNOTATIONS.length,
  description,
});

/** A free-form map within the bounds, each problem named by its entry. */
const IsStringMap = (name: string, reserved: readonly string[] = []) =>
  ValidateFields(name, (value) => stringMapProblems('', value, reserved).map((p) => ({ ...p, field: p.field.replace(/^\./, '') })));

/** The reserved annotations: `description` is the key's; the read-only ones, if echoed back, must at least be strings. */
const reservedAnnotationProblems = (value: unknown): FieldError[] => {
  if (typeof value !== 'object' || value === null) return [];
  const annotations = value as Record<string, unknown>;
  const problems: FieldError[] = [];
  const { description } = annotations;
  if (description !== undefined && (typeof description !== 'string' || description.length > 1024)) {
    problems.push({ field: 'description', message: 'must be a string of at most 1024 characters' });
  }
  for (const key of RESERVED_ANNOTATIONS.filter((k) => k !== 'description')) {
    if (annotations[key] !== undefined && typeof annotations[key] !== 'string') problems.push({ field: key, message: 'must be a string' });
  }
  return problems;
};

/**
 * A free-form map as it arrived. class-transformer copies objects key by key and skips keys named
 * like inherited members (`toString`, `valueOf`, ...), which are ordinary keys in a map; so the map
 * is taken from the raw body, own entries only (the edge has refused `__proto__` and its kin).
 */
const RawMap = () =>
  Transform(({ obj, key }) => {
    const raw = (obj as Record<string, unknown>)[key];
    return typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? Object.fromEntries(Object.entries(raw)) : raw;
  });

/** The annotations a command stores: reserved keys out, the rest as sent. */
export const customAnnotations = (annotations: KeyAnnotations | undefined): StringMap | undefined =>
  annotations === undefined ? undefined : customEntries(annotations);
export const customLabels = (labels: Record<string, string> | undefined): StringMap | undefined =>
  labels === undefined ? undefined : customEntries(labels, []);

/**
 * Palette's `V1ObjectMeta`. Its Go SDK always sends the timestamps (as the zero time when unset),
 * so they are accepted and ignored; a key's uid comes from the path, never the body.
 */
export class KeyMetadataDto {
  @ApiProperty({ minLength: 1, maxLength: 128, description: 'Trimmed; no control characters' })
  @Transform(trim) @IsString() @Length(1, 128) @Matches(NAME_PATTERN, { message: 'name must not contain control characters' })
  name: string;

  @ApiPropertyOptional(mapSchema(
    `Free-form string map (Palette's). \`description\` (at most 1,024 characters) is the key's description; ` +
      `\`ownerUid\`, \`tenantUid\`, \`scope\` are read-only. Others: at most ${METADATA_LIMITS.entries}, keys Kubernetes ` +
      `qualified names, values at most ${METADATA_LIMITS.valueLength} characters. An update replaces them when given.`,
  ))
  @RawMap() @IsOptional() @IsStringMap('isAnnotationMap', RESERVED_ANNOTATIONS) @ValidateFields('isReservedAnnotations', reservedAnnotationProblems)
  annotations?: KeyAnnotations;

  @ApiPropertyOptional(mapSchema(
    `Free-form string map (Palette's): at most ${METADATA_LIMITS.entries}, keys Kubernetes qualified names, values at most ` +
      `${METADATA_LIMITS.valueLength} characters. An update replaces them when given.`,
  ))
  @RawMap() @IsOptional() @IsStringMap('isLabelMap')
  labels?: Record<string, string>;

  @ApiPropertyOptional({ readOnly: true, format: 'date-time' }) @IsOptional() @IsCalendarDateTime() creationTimestamp?: string;
  @ApiPropertyOptional({ readOnly: true, format: 'date-time' }) @IsOptional() @IsCalendarDateTime() lastModifiedTimestamp?: string;
  @ApiPropertyOptional({ readOnly: true, format: 'date-time' }) @IsOptional() @IsCalendarDateTime() deletionTimestamp?: string;
  @ApiPropertyOptional({ readOnly: true }) @IsOptional() @IsString() @MaxLength(128) uid?: string;
}
