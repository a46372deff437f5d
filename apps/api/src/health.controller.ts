import { Controller, Get, HttpCode, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { EVENT_STORE, type EventStore } from '@keystream/event-store';
import { ProcessingRuntime } from '@keystream/processing';
import { READ_MODEL, type ReadModel } from '@keystream/read-model';
import { Public } from '@keystream/tenancy';

@ApiExcludeController()
@Public()
@Controller()
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(READ_MODEL) private readonly readModel: ReadModel,
    private readonly processing: ProcessingRuntime,
  ) {}

  /** Liveness: the process answers. */
  @Get('healthz')
  @HttpCode(200)
  health() {
    return { status: 'ok' };
  }

  /** Readiness: both stores answer; processors are reported, not required (another instance may run them). */
  @Get('readyz')
  async ready(@Res({ passthrough: true }) reply: FastifyReply) {
    const [eventStore, readModel] = await Promise.all([this.eventStore.isHealthy(), this.readModel.isHealthy()]);
    const ready = eventStore && readModel;
    reply.status(ready ? 200 : 503);
    const { role, processors } = this.processing.status();
    // States only: error texts (which may name hosts) stay in the logs, not on an open route.
    const states = processors.map(({ name, state, failures }) => ({ name, state, failures }));
    return { status: ready ? 'ready' : 'unavailable', eventStore, readModel, processing: { role, processors: states } };
  }
}
