import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { API_KEY_AUTHENTICATOR } from '@keystream/tenancy';
import { ApiKeyCommandRunner } from './application/api-key-command-runner.js';
import { KeyVerifier } from './application/key-verifier.js';
import { OwnerLocks } from './application/owner-locks.js';
import { ChangeKeyStateController } from './commands/change-key-state/change-key-state.controller.js';
import { ChangeKeyStateHandler } from './commands/change-key-state/change-key-state.handler.js';
import { CreateKeyController } from './commands/create-key/create-key.controller.js';
import { CreateKeyHandler } from './commands/create-key/create-key.handler.js';
import { DeleteKeyController } from './commands/delete-key/delete-key.controller.js';
import { DeleteKeyHandler } from './commands/delete-key/delete-key.handler.js';
import { EditKeyController } from './commands/edit-key/edit-key.controller.js';
import { EditKeyHandler } from './commands/edit-key/edit-key.handler.js';
import { GetKeyController } from './queries/get-key/get-key.controller.js';
import { GetKeyHandler } from './queries/get-key/get-key.handler.js';
import { ListKeysController } from './queries/list-keys/list-keys.controller.js';
import { ListKeysHandler } from './queries/list-keys/list-keys.handler.js';
import { UserInfoController } from './queries/user-info/user-info.controller.js';

const handlers = [CreateKeyHandler, EditKeyHandler, ChangeKeyStateHandler, DeleteKeyHandler, GetKeyHandler, ListKeysHandler];

/** Everything about API keys over HTTP: handlers, controllers, the verifier and the projections. */
@Module({
  imports: [CqrsModule],
  controllers: [CreateKeyController, ListKeysController, GetKeyController, EditKeyController, ChangeKeyStateController, DeleteKeyController, UserInfoController],
  providers: [
    ...handlers,
    ApiKeyCommandRunner,
    OwnerLocks,
    KeyVerifier,
    { provide: API_KEY_AUTHENTICATOR, useExisting: KeyVerifier },
  ],
  exports: [API_KEY_AUTHENTICATOR],
})
export class ApiKeysModule {}

/** Commands and handlers without HTTP, for the CLI. */
@Module({
  imports: [CqrsModule],
  providers: [...handlers, ApiKeyCommandRunner, OwnerLocks],
})
export class ApiKeyCommandsModule {}
