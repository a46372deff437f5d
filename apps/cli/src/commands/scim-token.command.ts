import { Command } from 'commander';
import { issueScimToken } from '@keystream/directory';

/**
 * Issues a SCIM bearer token for a tenant's identity provider: the token is printed once (on stdout,
 * for the IdP's admin console) and kept nowhere; the line to add to SCIM_TOKEN_SHA256 (on stderr)
 * holds only its SHA-256.
 */
export const scimTokenCommand = () =>
  new Command('scim-token')
    .description('Issue a SCIM bearer token for a tenant; prints the token once and the SCIM_TOKEN_SHA256 entry to configure')
    .requiredOption('--tenant <uid>', 'the tenant whose directory the identity provider feeds')
    .action((options: { tenant: string }) => {
      if (/[,:\s]/.test(options.tenant)) throw new Error('A tenant uid for SCIM must not contain commas, colons or spaces');
      const { token, sha256 } = issueScimToken();
      process.stdout.write(`${token}\n`);
      process.stderr.write(`Add to SCIM_TOKEN_SHA256 (comma-separated with any others): ${options.tenant}:${sha256}\n`);
    });
