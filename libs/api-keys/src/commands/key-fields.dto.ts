import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, Length, Matches, MaxLength, ValidateBy } from 'class-validator';
import { METADATA_LIMITS, RESERVED_ANNOTATIONS, type StringMap, customEntries, stringMapProblems } from '../domain/index.js';
import { IsCalendarDateTime, NAME_PATTERN, trim } from '../http/validation.js';

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

/** A free-form map within the bounds; each problem is named in the message (class-validator keeps one per rule). */
const IsStringMap = (reserved: readonly string[] = []) =>
  ValidateBy({
    name: 'isStringMap',
    validator: {
      validate: (value, args) => stringMapProblems(args?.property ?? '', value, reserved).length === 0,
      defaultMessage: (args) =>
        stringMapProblems(args?.property ?? '', args?.value, reserved)
          .map((problem) => `${problem.field}: ${problem.message}`)
          .join('; '),
    },
  });

const IsDescription = () =>
  ValidateBy({
    name: 'isDescription',
    validator: {
      validate: (value: unknown) => {
        const description = (value as KeyAnnotations | undefined)?.description;
        return description === undefined || (typeof description === 'string' && description.length <= 1024);
      },
      defaultMessage: () => 'annotations.description must be a string of at most 1024 characters',
    },
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
  @IsOptional() @IsStringMap(RESERVED_ANNOTATIONS) @IsDescription()
  annotations?: KeyAnnotations;

  @ApiPropertyOptional(mapSchema(
    `Free-form string map (Palette's): at most ${METADATA_LIMITS.entries}, keys Kubernetes qualified names, values at most ` +
      `${METADATA_LIMITS.valueLength} characters. An update replaces them when given.`,
  ))
  @IsOptional() @IsStringMap()
  labels?: Record<string, string>;

  @ApiPropertyOptional({ readOnly: true, format: 'date-time' }) @IsOptional() @IsCalendarDateTime() creationTimestamp?: string;
  @ApiPropertyOptional({ readOnly: true, format: 'date-time' }) @IsOptional() @IsCalendarDateTime() lastModifiedTimestamp?: string;
  @ApiPropertyOptional({ readOnly: true, format: 'date-time' }) @IsOptional() @IsCalendarDateTime() deletionTimestamp?: string;
  @ApiPropertyOptional({ readOnly: true }) @IsOptional() @IsString() @MaxLength(128) uid?: string;
}
