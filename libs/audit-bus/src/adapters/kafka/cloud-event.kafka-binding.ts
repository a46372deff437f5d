import type { IHeaders, Message } from 'kafkajs';
import type { AuditMessage } from '../../audit-publisher.port.js';
import { AUDIT_ACTIONS, type AuditCloudEvent, type AuditEventData, CLOUD_EVENTS_SPEC_VERSION, auditSubject } from '../../cloud-event.js';

/**
 * CloudEvents Kafka protocol binding 1.0, **binary content mode**: every attribute travels as a
 * `ce_<name>` header (UTF-8), `datacontenttype` as `content-type`, and the value is the data alone,
 * as JSON. Chosen over structured mode so that brokers, connectors and consumers can route and
 * filter by id, type and tenant without parsing the value, which is what STYLE §3.2 step 7 asks
 * of the relay's headers. The message key is the key uid, so one key's events share a partition.
 */
const ATTRIBUTES = ['specversion', 'id', 'source', 'type', 'subject', 'time', 'tenantid'] as const;

export function toKafkaMessage({ key, event }: AuditMessage): Message {
  const headers: IHeaders = { 'content-type': event.datacontenttype };
  for (const attribute of ATTRIBUTES) headers[`ce_${attribute}`] = event[attribute];
  return { key, value: JSON.stringify(event.data), headers };
}

/** A message on the audit topic that is not one of our CloudEvents; consumers log and skip it. */
export class MalformedAuditMessageError extends Error {
  readonly code = 'MalformedAuditMessage' as const;
  constructor(reason: string) {
    super(`Not a Keystream audit CloudEvent: ${reason}`);
    this.name = 'MalformedAuditMessageError';
  }
}

export function fromKafkaMessage(message: Pick<Message, 'value' | 'headers'>): AuditCloudEvent {
  const header = (name: string): string => {
    const raw = message.headers?.[name];
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (value === undefined || value === null) throw new MalformedAuditMessageError(`missing header ${name}`);
    return Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
  };
  if (header('ce_specversion') !== CLOUD_EVENTS_SPEC_VERSION) throw new MalformedAuditMessageError('unsupported specversion');
  if (!header('content-type').startsWith('application/json')) throw new MalformedAuditMessageError('content-type is not JSON');
  if (message.value === null || message.value === undefined) throw new MalformedAuditMessageError('no value');
  const data = parseData(message.value.toString());
  const event: AuditCloudEvent = {
    specversion: CLOUD_EVENTS_SPEC_VERSION,
    id: header('ce_id'),
    source: header('ce_source'),
    type: header('ce_type'),
    subject: header('ce_subject'),
    time: header('ce_time'),
    datacontenttype: 'application/json',
    tenantid: header('ce_tenantid'),
    data,
  };
  if (Number.isNaN(Date.parse(event.time))) throw new MalformedAuditMessageError('ce_time is not a timestamp');
  if (event.tenantid !== data.tenantUid || event.subject !== auditSubject(data)) {
    throw new MalformedAuditMessageError('headers and data disagree on tenant or key');
  }
  return event;
}

function parseData(text: string): AuditEventData {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new MalformedAuditMessageError('value is not JSON');
  }
  const fields = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
  const actor = fields.actor as Record<string, unknown> | undefined;
  const valid =
    AUDIT_ACTIONS.includes(fields.action as AuditEventData['action']) &&
    ['tenantUid', 'keyUid', 'ownerUid'].every((name) => typeof fields[name] === 'string') &&
    Number.isInteger(fields.revision) &&
    typeof actor?.userUid === 'string' &&
    typeof actor?.via === 'string';
  if (!valid) throw new MalformedAuditMessageError('data lacks action, tenant, key, owner, revision or actor');
  return data as AuditEventData;
}
