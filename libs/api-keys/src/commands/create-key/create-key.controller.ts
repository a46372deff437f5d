import { Body, Controller, Header, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentCaller } from '@keystream/tenancy';
import type { UserCaller } from '../../domain/index.js';
import { CorrelationId } from '../../http/request-context.js';
import { ApiErrors } from '@keystream/problem-details';
import { parseRfc3339 } from '@keystream/validation';
import { customAnnotations, customLabels } from '../key-fields.dto.js';
import { CreateKeyCommand } from './create-key.command.js';
import { CreateKeyRequest, CreateKeyResponse } from './create-key.request.dto.js';

@ApiTags('apiKeys')
@Controller('v1/apiKeys')
export class CreateKeyController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post()
  @HttpCode(201)
  // The one response that carries a key value: no cache on the way may keep it.
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Create an API key; the response is the only time its value is shown' })
  @ApiCreatedResponse({ type: CreateKeyResponse })
  @ApiErrors(400, 401, 403, 409, 413)
  create(@CurrentCaller() caller: UserCaller, @Body() body: CreateKeyRequest, @CorrelationId() correlationId: string) {
    return this.commandBus.execute(
      new CreateKeyCommand(
        caller,
        {
          name: body.metadata.name,
          description: body.metadata.annotations?.description ?? '',
          annotations: customAnnotations(body.metadata.annotations) ?? {},
          labels: customLabels(body.metadata.labels) ?? {},
          expiresAt: parseRfc3339(body.spec.expiry)!,
          ownerId: ownerFromSpec(caller, body.spec.userUid),
        },
        correlationId,
      ),
    );
  }
}

/**
 * Palette SDK compatibility: its CreateAPIKey sends as `spec.userUid` the tenant uid it read from
 * /v1/users/info, meaning "the caller". So the caller's own tenant uid names the caller.
 */
export const ownerFromSpec = (caller: UserCaller, userUid: string | undefined): string | undefined =>
  userUid === undefined || userUid === caller.tenantId ? undefined : userUid;
