import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';

export class RevokeUserKeysRequest {
  @ApiPropertyOptional({ description: 'true: count the keys that would be revoked and change nothing', default: false })
  @IsOptional() @IsBoolean()
  dryRun?: boolean;
}

export class RevokeUserKeysResponse {
  @ApiProperty({ description: 'Active keys the user holds now (before this call revoked them)' })
  count!: number;

  @ApiProperty({ description: 'Keys this call revoked; 0 for a dry run' })
  revoked!: number;

  @ApiProperty()
  dryRun!: boolean;
}
