import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';

/** Palette's `V1ApiKeyActivateEntity`. Its Go model drops a false bool, so a missing isActive means false. */
export class ChangeKeyStateRequest {
  @ApiPropertyOptional({ description: 'false (or omitted) revokes; true re-activates', default: false })
  @IsOptional() @IsBoolean()
  isActive?: boolean;
}
