import { Command } from 'commander';
import { SignJWT } from 'jose';
import { loadConfig } from '@keystream/config';
import { TENANT_ADMIN_ROLE } from '@keystream/tenancy';

export const tokenCommand = () =>
  new Command('token')
    .description('Mint a short-lived development JWT signed with AUTH_JWT_SECRET')
    .requiredOption('--tenant <uid>', 'tenant uid (claim "tenant")')
    .requiredOption('--user <uid>', 'user uid (claim "sub")')
    .option('--admin', 'add the tenant-admin role', false)
    .option('--first-name <name>', 'claim given_name')
    .option('--last-name <name>', 'claim family_name')
    .option('--ttl <duration>', 'lifetime, e.g. 15m, 1h', '1h')
    .action(async (options: { tenant: string; user: string; admin: boolean; firstName?: string; lastName?: string; ttl: string }) => {
      const config = loadConfig();
      if (!config.AUTH_JWT_SECRET) {
        throw new Error('AUTH_JWT_SECRET is not set: it is needed to sign a token the service will accept');
      }
      const token = await new SignJWT({
        tenant: options.tenant,
        roles: options.admin ? [TENANT_ADMIN_ROLE] : [],
        ...(options.firstName ? { given_name: options.firstName } : {}),
        ...(options.lastName ? { family_name: options.lastName } : {}),
      })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(options.user)
        .setIssuedAt()
        .setExpirationTime(options.ttl)
        .setIssuer(config.AUTH_JWT_ISSUER ?? 'keystream-dev')
        .setAudience(config.AUTH_JWT_AUDIENCE ?? 'keystream')
        .sign(new TextEncoder().encode(config.AUTH_JWT_SECRET));
      process.stdout.write(`${token}\n`);
    });
