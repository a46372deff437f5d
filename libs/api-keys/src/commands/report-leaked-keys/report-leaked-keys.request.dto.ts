import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsString, MaxLength } from 'class-validator';

/** At most this many values per report, as GitHub's credential-revocation API takes. */
export const MAX_LEAKED_VALUES = 1_000;
/** Longer than any value Keystream issues (77 characters); anything longer is refused, not truncated. */
export const MAX_LEAKED_VALUE_LENGTH = 256;
/** This route's body limit: 1,000 values at the longest, quoted and separated, with room to spare. */
export const LEAK_REPORT_BODY_LIMIT_BYTES = 320 * 1024;

export class ReportLeakedKeysRequest {
  @ApiProperty({
    description: `Key values found exposed (\`ks_...\`), 1 to ${MAX_LEAKED_VALUES}, each at most ${MAX_LEAKED_VALUE_LENGTH} characters. Never stored, logged or echoed.`,
    type: [String],
    minItems: 1,
    maxItems: MAX_LEAKED_VALUES,
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_LEAKED_VALUES)
  @IsString({ each: true })
  @MaxLength(MAX_LEAKED_VALUE_LENGTH, { each: true })
  credentials: string[];
}

export class ReportLeakedKeysResponse {
  @ApiProperty({ description: 'How many values the report held. The same for any values: it never says whether one matched a key.' })
  received: number;
}
