import { Module, type Provider } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { READ_MODEL, type ReadModel } from '@keystream/read-model';
import { API_KEY_AUTHENTICATOR, type AuthenticatedCaller } from '@keystream/tenancy';
import { ApiKeyCommandRunner } from './application/api-key-command-runner.js';
import { KeyVerificationCache } from './application/key-verification.cache.js';
import { KeyVerifier } from './application/key-verifier.js';
import { KeyUsageRecorder } from './application/key-usage.recorder.js';
import { KEY_USAGE_STORE, keyUsageStore } from './views/key-usage/key-usage.store.js';
import { OwnerLocks } from './application/owner-locks.js';
import type { UserCaller } from './domain/index.js';
import { ChangeKeyStateController } from './commands/change-key-state/change-key-state.controller.js';
import { ChangeKeyStateHandler } from './commands/change-key-state/change-key-state.handler.js';
import { CreateKeyController } from './commands/create-key/create-key.controller.js';
import { CreateKeyHandler } from './commands/create-key/create-key.handler.js';
import { DeleteKeyController } from './commands/delete-key/delete-key.controller.js';
import { DeleteKeyHandler } from './commands/delete-key/delete-key.handler.js';
import { EditKeyController } from './commands/edit-key/edit-key.controller.js';
import { EditKeyHandler } from './commands/edit-key/edit-key.handler.js';
import { RotateKeyController } from './commands/rotate-key/rotate-key.controller.js';
import { RotateKeyHandler } from './commands/rotate-key/rotate-key.handler.js';
import { GetKeyController } from './queries/get-key/get-key.controller.js';
import { GetKeyHandler } from './queries/get-key/get-key.handler.js';
import { ListKeysController } from './queries/list-keys/list-keys.controller.js';
import { ListKeysHandler } from './queries/list-keys/list-keys.handler.js';
import { UserInfoController } from './queries/user-info/user-info.controller.js';
import { VerifyKeyController } from './queries/verify-key/verify-key.controller.js';
import { LeakedKeyReports } from './commands/report-leaked-keys/leaked-key-reports.js';
import { ReportLeakedKeysController } from './commands/report-leaked-keys/report-leaked-keys.controller.js';
import { API_KEY_VIEWS } from './views/index.js';
import { TenantKeyPolicies } from './tenant-policy/application/tenant-key-policies.js';
import { TenantPolicyController } from './tenant-policy/http/tenant-policy.controller.js';
import { RevokeUserKeysController } from './commands/revoke-user-keys/revoke-user-keys.controller.js';
import { RevokeUserKeysHandler } from './commands/revoke-user-keys/revoke-user-keys.handler.js';
import { UserKeysRevoker } from './commands/revoke-user-keys/user-keys-revoker.js';

// The guard's principal reaches the commands as the domain's UserCaller: this fails to compile as
// soon as the two shapes differ.
type SameShape<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const callerShapesAgree: SameShape<AuthenticatedCaller, UserCaller> = true;
void callerShapesAgree;

const handlers = [CreateKeyHandler, EditKeyHandler, ChangeKeyStateHandler, DeleteKeyHandler, GetKeyHandler, ListKeysHandler, UserKeysRevoker, RevokeUserKeysHandler, RotateKeyHandler];

/** Each registered view's query ports, built over the live tables of the one read model. */
const viewPorts: Provider[] = API_KEY_VIEWS.flatMap((view) =>
  view.ports.map((port) => ({ provide: port.token, inject: [READ_MODEL], useFactory: (readModel: ReadModel) => port.create(readModel.live) })),
);

/** Everything about API keys over HTTP: handlers, controllers, the verifier and the projections. */
@Module({
  imports: [CqrsModule],
  controllers: [CreateKeyController, ListKeysController, GetKeyController, EditKeyController, ChangeKeyStateController, DeleteKeyController, UserInfoController, VerifyKeyController, TenantPolicyController, RevokeUserKeysController, ReportLeakedKeysController, RotateKeyController],
  providers: [
    ...handlers,
    ...viewPorts,
    ApiKeyCommandRunner,
    OwnerLocks,
    TenantKeyPolicies,
    KeyVerificationCache,
    { provide: KEY_USAGE_STORE, inject: [READ_MODEL], useFactory: (readModel: ReadModel) => keyUsageStore(readModel.live) },
    KeyUsageRecorder,
    KeyVerifier,
    { provide: API_KEY_AUTHENTICATOR, useExisting: KeyVerifier },
    LeakedKeyReports,
  ],
  exports: [API_KEY_AUTHENTICATOR, KeyVerifier, KeyVerificationCache, UserKeysRevoker, LeakedKeyReports],
})
export class ApiKeysModule {}

/** Commands and handlers without HTTP, for the CLI. */
@Module({
  imports: [CqrsModule],
  providers: [...handlers, ...viewPorts, ApiKeyCommandRunner, OwnerLocks, TenantKeyPolicies],
  exports: [TenantKeyPolicies, UserKeysRevoker],
})
export class ApiKeyCommandsModule {}
