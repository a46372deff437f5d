import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { VERIFICATION_CODES, type VerificationCode } from '../../application/verification.js';

/** Unkey's verifyKey answer, in Palette's naming (`uid`s). The key's members only when the caller may see them. */
export class VerifyKeyResponse {
  @ApiProperty() valid: boolean;
  @ApiProperty({ enum: VERIFICATION_CODES, description: 'Why; a wrong secret is NOT_FOUND, like an unknown key' }) code: VerificationCode;
  @ApiPropertyOptional() keyUid?: string;
  @ApiPropertyOptional() tenantUid?: string;
  @ApiPropertyOptional() ownerUid?: string;
  @ApiPropertyOptional({ enum: ['tenant', 'user'] }) scope?: 'tenant' | 'user';
  @ApiPropertyOptional({ format: 'date-time' }) expiresAt?: string;
}
