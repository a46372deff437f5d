import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';

/** Query string of GET /v1/apiKeys (all additive to Palette's). */
export class ListKeysRequest {
  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500)
  limit?: number;

  @ApiPropertyOptional({ name: 'continue', description: 'Opaque cursor from the previous page’s listmeta.continue' })
  @IsOptional() @IsString() @MaxLength(512) @Matches(/^[A-Za-z0-9_-]+$/, { message: 'continue must be a cursor returned by a previous page' })
  continue?: string;

  @ApiPropertyOptional({ description: 'Only keys of this user (a plain user only ever sees their own)' })
  @IsOptional() @IsString() @MinLength(1) @MaxLength(128)
  userUid?: string;

  @ApiPropertyOptional({ type: Boolean })
  @IsOptional() @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value)) @IsBoolean()
  isActive?: boolean;

  @ApiPropertyOptional({ description: 'Name contains (case-insensitive)' })
  @IsOptional() @IsString() @MinLength(1) @MaxLength(128)
  q?: string;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: 3650,
    description: '(ext) Only keys not used for at least this many days (a key never used counts from its creation); last use is recorded up to about a minute late',
  })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(3650)
  unusedForDays?: number;
}
