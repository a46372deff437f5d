import { type AuditMessage, type AuditPublisher, AuditBusUnavailableError } from '../../audit-publisher.port.js';

/**
 * The reference semantics of the port and the unit-test double: a publish is acknowledged when it
 * resolves, and everything acknowledged is in `messages`, in publish order. `outage()` makes every
 * publish fail until `recover()`, as a broker that is down would.
 */
export class InMemoryAuditPublisher implements AuditPublisher {
  private readonly acknowledged: AuditMessage[] = [];
  private down = false;
  private closed = false;
  /** How many publish() calls were made, failed ones included: the relay sends one per batch. */
  publishCalls = 0;

  get messages(): readonly AuditMessage[] {
    return this.acknowledged;
  }

  outage(): void {
    this.down = true;
  }

  recover(): void {
    this.down = false;
  }

  async publish(messages: readonly AuditMessage[]): Promise<void> {
    this.publishCalls++;
    if (this.closed) throw new AuditBusUnavailableError('The audit publisher is closed');
    if (this.down) throw new AuditBusUnavailableError('The audit bus is down');
    // A copy, so a caller reusing its array cannot change what was "on the wire".
    this.acknowledged.push(...structuredClone([...messages]));
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
