import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

export class VerifyKeyRequest {
  @ApiProperty({ description: 'The key value to check (`ks_...`). Never logged, never echoed.', maxLength: 256 })
  @IsString() @IsNotEmpty() @MaxLength(256)
  key: string;
}
