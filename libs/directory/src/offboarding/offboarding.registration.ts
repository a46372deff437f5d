import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { UserKeysRevoker } from '@keystream/api-keys';
import { LOGGER } from '@keystream/config';
import { ProcessingRuntime } from '@keystream/processing';
import { READ_MODEL, type ReadModel } from '@keystream/read-model';
import { offboardingProcessor } from './offboarding.processor.js';

/** Adds the offboarding processor to this app's processing runtime (it runs only under the lease). */
@Injectable()
export class OffboardingRegistration implements OnModuleInit {
  constructor(
    private readonly runtime: ProcessingRuntime,
    private readonly revoker: UserKeysRevoker,
    @Inject(READ_MODEL) private readonly readModel: ReadModel,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.runtime.add(offboardingProcessor(this.revoker, this.readModel, this.logger.child({ component: 'offboarding' })));
  }
}
