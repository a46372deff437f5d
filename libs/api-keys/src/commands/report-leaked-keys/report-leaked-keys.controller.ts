import { Body, Controller, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiErrors } from '@keystream/problem-details';
import { type RateBudget, retryAfterSeconds } from '@keystream/rate-limits';
import { Public } from '@keystream/tenancy';
import { CorrelationId } from '../../http/request-context.js';
import { LeakedKeyReports } from './leaked-key-reports.js';
import { TooManyLeakReportsError } from './report-leaked-keys.errors.js';
import { LEAK_REPORT_BODY_LIMIT_BYTES, MAX_LEAKED_VALUES, ReportLeakedKeysRequest, ReportLeakedKeysResponse } from './report-leaked-keys.request.dto.js';

/** Reports a source may send per window (a RateBudget made with these numbers, by the composition root). */
export const LEAK_REPORT_BUDGET = { reports: 10, windowSeconds: 3600 } as const;
export const LEAK_REPORT_RATE_BUDGET = Symbol('LEAK_REPORT_RATE_BUDGET');
export const leakReportBudgetOptions = { points: LEAK_REPORT_BUDGET.reports, windowSeconds: LEAK_REPORT_BUDGET.windowSeconds, name: 'leak-report' } as const;

/**
 * The public end of secret scanning, modelled on GitHub's credential-revocation API: anyone who
 * finds Keystream key values exposed sends them here, without credentials, and every value that is
 * a working key's full value revokes that key (reason `leaked`). The answer is always 202 with the
 * count received, sent before any value is looked at, so it never tells whether a value matched.
 */
@ApiTags('apiKeys')
@Controller('v1/apiKeys')
export class ReportLeakedKeysController {
  constructor(
    private readonly reports: LeakedKeyReports,
    @Inject(LEAK_REPORT_RATE_BUDGET) private readonly budget: RateBudget,
  ) {}

  @Post('leaked')
  @Public()
  @HttpCode(202)
  @RouteConfig({ bodyLimitBytes: LEAK_REPORT_BODY_LIMIT_BYTES })
  @ApiSecurity({})
  @ApiOperation({
    summary: 'Report key values found exposed; each working one is revoked (reason leaked)',
    description:
      `No credentials. Up to ${MAX_LEAKED_VALUES} values per call (body up to ${LEAK_REPORT_BODY_LIMIT_BYTES / 1024} KiB), ` +
      `${LEAK_REPORT_BUDGET.reports} calls per source address per ${LEAK_REPORT_BUDGET.windowSeconds / 60} minutes. ` +
      'Always 202 with the number of values received, whether or not any matched; the values are checked afterwards, never stored or logged.',
  })
  @ApiAcceptedResponse({ type: ReportLeakedKeysResponse })
  @ApiErrors(400, 413)
  async report(
    @Body() body: ReportLeakedKeysRequest,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CorrelationId() correlationId: string,
  ): Promise<ReportLeakedKeysResponse> {
    reply.header('cache-control', 'no-store');
    const spent = await this.budget.spend(request.ip);
    if (!spent.allowed) throw new TooManyLeakReportsError(retryAfterSeconds(spent));
    return { received: this.reports.accept(body.credentials, correlationId) };
  }
}
