import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { type RateBudget, retryAfterSeconds } from '@keystream/rate-limits';
import type { AuthenticatedRequest } from '@keystream/tenancy';
import { RateLimitedError } from './edge.errors.js';

/**
 * Requests per tenant and window, counted once the caller is known (so it runs after AuthGuard).
 * Counted in memory per instance on purpose: a shared store would put a round trip on every
 * authenticated request, the hot path. Public routes have no caller and are not counted.
 */
export class TenantRateLimitGuard implements CanActivate {
  /** No budget: no limit. */
  constructor(private readonly budget: RateBudget | undefined) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const tenantId = context.switchToHttp().getRequest<AuthenticatedRequest>().caller?.tenantId;
    if (!this.budget || tenantId === undefined) return true;
    const spent = await this.budget.spend(tenantId);
    if (!spent.allowed) throw new RateLimitedError(retryAfterSeconds(spent), 'tenant');
    return true;
  }
}
