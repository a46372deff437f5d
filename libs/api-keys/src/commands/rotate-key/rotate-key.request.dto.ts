import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { MAX_ROTATION_GRACE_SECONDS } from '../../domain/index.js';

export class RotateKeyRequest {
  @ApiPropertyOptional({
    minimum: 0,
    maximum: MAX_ROTATION_GRACE_SECONDS,
    default: 0,
    description: 'How long the current value keeps working beside the new one (0 to 7 days, never past the key’s expiry); 0 ends it at once',
  })
  @IsOptional() @IsInt() @Min(0) @Max(MAX_ROTATION_GRACE_SECONDS)
  gracePeriodSeconds?: number;
}

export class RotateKeyResponse {
  @ApiProperty() uid: string;
  @ApiProperty({ description: 'The new value: shown this once, never again' }) apiKey: string;
  @ApiProperty({ format: 'date-time', description: 'Until when (exclusive) the previous value is still accepted' }) previousValidUntil: string;
}
