import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsObject, IsOptional, IsString, Length } from 'class-validator';
import { IsCalendarDateTime, ValidateNestedAs } from '../../http/validation.js';
import { KeyMetadataDto } from '../key-fields.dto.js';

export class CreateKeySpecDto {
  @ApiProperty({ format: 'date-time', description: "In the future and within the tenant's maximum lifetime (its key policy, else MAX_KEY_LIFETIME_DAYS)" })
  @IsCalendarDateTime()
  expiry: string;

  @ApiPropertyOptional({ description: 'Create on behalf of this user (tenant admins only)' })
  @IsOptional() @IsString() @Length(1, 128)
  userUid?: string;
}

/** Palette's `V1ApiKeyEntity`. */
export class CreateKeyRequest {
  @ApiProperty({ type: KeyMetadataDto })
  @IsDefined() @IsObject() @ValidateNestedAs(() => KeyMetadataDto)
  metadata: KeyMetadataDto;

  @ApiProperty({ type: CreateKeySpecDto })
  @IsDefined() @IsObject() @ValidateNestedAs(() => CreateKeySpecDto)
  spec: CreateKeySpecDto;
}

export class CreateKeyResponse {
  @ApiProperty() uid: string;
  @ApiProperty({ description: 'The key value: shown this once, never again' }) apiKey: string;
}
