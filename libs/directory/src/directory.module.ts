import { type DynamicModule, Module } from '@nestjs/common';
import { ApiKeyCommandsModule, ApiKeysModule } from '@keystream/api-keys';
import { READ_MODEL, type ReadModel } from '@keystream/read-model';
import { CALLER_STANDING } from '@keystream/tenancy';
import { DirectoryCommandRunner } from './application/directory-command-runner.js';
import { DirectoryStanding } from './application/directory-standing.js';
import { OffboardingRegistration } from './offboarding/offboarding.registration.js';
import { ScimAuthGuard } from './scim/scim-auth.guard.js';
import { ScimDiscoveryController } from './scim/scim-discovery.controller.js';
import { ScimGroupsController } from './scim/scim-groups.controller.js';
import { ScimJsonBody } from './scim/scim-json.body.js';
import { ScimTokens } from './scim/scim-tokens.js';
import { ScimUsersController } from './scim/scim-users.controller.js';
import { DIRECTORY_USER_QUERIES, directoryUserQueries } from './views/directory-users/directory-users.queries.js';

export interface DirectoryOptions {
  /** SCIM_TOKEN_SHA256: `<tenant>:<sha256 hex>,...`; a tenant listed has SCIM on. */
  scimTokenSha256?: string;
}

const queries = { provide: DIRECTORY_USER_QUERIES, inject: [READ_MODEL], useFactory: (readModel: ReadModel) => directoryUserQueries(readModel.live) };

/** The directory over HTTP: the SCIM endpoints, the role check for the auth guard, and offboarding. */
@Module({})
export class DirectoryModule {
  static forRoot(options: DirectoryOptions): DynamicModule {
    return {
      module: DirectoryModule,
      // Global for CALLER_STANDING: the key feature's own routes (POST /v1/apiKeys/verify) ask it too,
      // and ApiKeysModule cannot import this module (it imports ApiKeysModule).
      global: true,
      imports: [ApiKeysModule],
      controllers: [ScimUsersController, ScimGroupsController, ScimDiscoveryController],
      providers: [
        { provide: ScimTokens, useValue: ScimTokens.parse(options.scimTokenSha256) },
        queries,
        DirectoryStanding,
        { provide: CALLER_STANDING, useExisting: DirectoryStanding },
        DirectoryCommandRunner,
        ScimAuthGuard,
        ScimJsonBody,
        OffboardingRegistration,
      ],
      exports: [CALLER_STANDING],
    };
  }
}

/** Offboarding without HTTP, for the worker app. */
@Module({ imports: [ApiKeyCommandsModule], providers: [OffboardingRegistration] })
export class DirectoryProcessingModule {}
