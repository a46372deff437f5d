// The few parts of oidc-provider 9 (which ships no types) that the browser tests use.
declare module 'oidc-provider' {
  import type { Server } from 'node:http';

  interface AccountClaims {
    accountId: string;
    claims: () => Promise<Record<string, unknown>>;
  }

  export default class Provider {
    constructor(issuer: string, configuration: Record<string, unknown> & {
      findAccount?: (ctx: unknown, sub: string) => Promise<AccountClaims | undefined>;
      clientBasedCORS?: (ctx: unknown, origin: string, client: unknown) => boolean;
    });
    listen(port: number, host: string): Server;
  }
}
