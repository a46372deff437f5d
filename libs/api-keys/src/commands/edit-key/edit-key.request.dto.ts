import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsObject, IsOptional, IsString, Length } from 'class-validator';
import { IsCalendarDateTime, ValidateNestedAs } from '../../http/validation.js';
import { KeyMetadataDto } from '../key-fields.dto.js';

export class EditKeySpecDto {
  @ApiPropertyOptional({ format: 'date-time', description: 'Omitted or the zero time 0001-01-01T00:00:00.000Z keeps the current expiry' })
  @IsOptional() @IsCalendarDateTime()
  expiry?: string;

  @ApiPropertyOptional({ description: 'Accepted only when it names the current owner: keys are never reassigned' })
  @IsOptional() @IsString() @Length(1, 128)
  userUid?: string;
}

export class EditKeyRequest {
  @ApiProperty({ type: KeyMetadataDto })
  @IsDefined() @IsObject() @ValidateNestedAs(() => KeyMetadataDto)
  metadata: KeyMetadataDto;

  @ApiPropertyOptional({ type: EditKeySpecDto })
  @IsOptional() @IsObject() @ValidateNestedAs(() => EditKeySpecDto)
  spec?: EditKeySpecDto;
}
