import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@keystream/config';
import { MemoryRateBudget, type RateBudget, retryAfterSeconds } from '@keystream/rate-limits';
import type { AuthenticatedRequest } from '@keystream/tenancy';
import { RateLimitedError } from './edge.errors.js';

/**
 * Requests per tenant and window, counted once the caller is known (so it runs after AuthGuard).
 * Counted in memory per instance on purpose: a shared store would put a round trip on every
 * authenticated request, the hot path. Public routes have no caller and are not counted.
 */
@Injectable()
export class TenantRateLimitGuard implements CanActivate {
  private readonly budget: RateBudget | undefined;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.budget =
      config.RATE_LIMIT_PER_TENANT > 0
        ? new MemoryRateBudget({ points: config.RATE_LIMIT_PER_TENANT, windowSeconds: config.RATE_LIMIT_WINDOW_SECONDS, name: 'tenant' })
        : undefined;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const tenantId = context.switchToHttp().getRequest<AuthenticatedRequest>().caller?.tenantId;
    if (!this.budget || tenantId === undefined) return true;
    const spent = await this.budget.spend(tenantId);
    if (!spent.allowed) throw new RateLimitedError(retryAfterSeconds(spent), 'tenant');
    return true;
  }
}
