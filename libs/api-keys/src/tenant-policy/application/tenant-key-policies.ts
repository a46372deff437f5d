import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { CLOCK, type Clock } from '@keystream/clock';
import { KEY_POLICY, type KeyPolicy } from '@keystream/config';
import { EVENT_STORE, type EventStore, type EventToAppend, type GlobalPosition, type StreamFold, decideAndAppend } from '@keystream/event-store';
import { ID_GENERATOR, type IdGenerator } from '@keystream/secrets';
import { describeError } from '@keystream/store-errors';
import { toEventToAppend } from '../../application/event-envelope.js';
import { type Caller, type KeyLimits } from '../../domain/index.js';
import { ConcurrencyConflictError, PreconditionFailedError } from '../../application/application.errors.js';
import {
  type KeyPolicyValues,
  TENANT_POLICY_EVENT_SCHEMA_VERSION,
  TENANT_STREAM_PREFIX,
  type TenantPolicyEvent,
  type TenantPolicyState,
  decideTenantPolicy,
  effectiveKeyLimits,
  evolveTenantPolicy,
  initialTenantPolicyState,
  policyValues,
  tenantStreamName,
} from '../domain/index.js';
import { decodeTenantPolicyEvent } from './tenant-policy-event.codec.js';

/** How often other instances' policy changes are looked for. */
export const POLICY_INVALIDATION_POLL_MS = 150;
const PAGE = 500;
const MAX_EVENTS_PER_LOOK = 5_000;
/** How a tenant's stream folds into its policy state. */
const TENANT_POLICY_FOLD: StreamFold<TenantPolicyState, TenantPolicyEvent> = {
  initialState: initialTenantPolicyState,
  evolve: evolveTenantPolicy,
  decode: decodeTenantPolicyEvent,
};

export interface TenantPolicySnapshot {
  state: TenantPolicyState;
  /** The tenant stream's revision (the ETag); -1 while the tenant never set a policy. */
  revision: bigint;
}

export interface TenantPolicyView {
  policy: KeyPolicyValues;
  /** `tenant` once the tenant set its own, else `default` (the service's configuration). */
  source: 'tenant' | 'default';
  revision: bigint;
  setAt?: string;
}

/**
 * Each tenant's key policy: read from the tenant's stream, kept per instance so a create or an edit
 * asks no store for it when warm, and set through the pure decider. Entries are forgotten, never patched
 * from outside: on the instance that writes a policy, the entry is replaced with the written state
 * before the PUT answers (exact there); on every instance, a loop reads the tenant streams' new events
 * every POLICY_INVALIDATION_POLL_MS and forgets their tenants. Nothing is kept until the loop's first
 * look succeeds, nor after a look fails, so an entry is never older than the loop's last look.
 */
@Injectable()
export class TenantKeyPolicies implements OnModuleDestroy {
  private readonly logger = new Logger(TenantKeyPolicies.name);
  private readonly entries = new Map<string, TenantPolicySnapshot>();
  private generation = 0;
  private seen?: GlobalPosition | 'start';
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(KEY_POLICY) private readonly defaults: KeyPolicy,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** The limits the key decider takes for a create or an edit in this tenant. */
  async limitsFor(tenantId: string): Promise<KeyLimits> {
    return effectiveKeyLimits((await this.snapshot(tenantId)).state, this.defaults);
  }

  async view(tenantId: string): Promise<TenantPolicyView> {
    const { state, revision } = await this.snapshot(tenantId);
    return {
      policy: policyValues(state, this.defaults),
      source: state.status === 'set' ? 'tenant' : 'default',
      revision,
      ...(state.status === 'set' ? { setAt: state.setAt } : {}),
    };
  }

  /** Decides and appends; a conflict re-reads and re-decides, unless the client sent If-Match (then 412). */
  async set(
    caller: Caller,
    tenantId: string,
    policy: KeyPolicyValues,
    options: { expectedRevision?: bigint; correlationId: string },
  ): Promise<{ revision: bigint; changed: boolean }> {
    let now = this.clock.now();
    let decidedOn = initialTenantPolicyState();
    const outcome = await decideAndAppend(this.eventStore, TENANT_POLICY_FOLD, {
      streamName: tenantStreamName(tenantId),
      expectedRevision: options.expectedRevision,
      decide: (state) => {
        now = this.clock.now();
        decidedOn = state;
        return decideTenantPolicy({ type: 'SetTenantKeyPolicy', caller, tenantId, policy, now }, state);
      },
      toAppend: (events) => events.map((event) => this.envelope(event, caller, now, options.correlationId)),
    });
    switch (outcome.kind) {
      case 'stale':
        throw new PreconditionFailedError();
      case 'conflicted':
        throw new ConcurrencyConflictError();
      case 'unchanged':
        return { revision: outcome.revision, changed: false };
      case 'appended':
        // Exact on this instance from now on: the entry is what was just written (kept only while the loop runs).
        this.forget(tenantId);
        if (this.seen !== undefined) this.entries.set(tenantId, { state: outcome.events.reduce(evolveTenantPolicy, decidedOn), revision: outcome.appended.nextExpectedRevision });
        return { revision: outcome.appended.nextExpectedRevision, changed: true };
    }
  }

  onModuleDestroy(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private async snapshot(tenantId: string): Promise<TenantPolicySnapshot> {
    const cached = this.entries.get(tenantId);
    if (cached) return cached;
    if (this.timer === undefined && !this.stopped) this.schedule(0);
    const generation = this.generation;
    const snapshot = await this.readStream(tenantId);
    if (this.seen !== undefined && generation === this.generation) this.entries.set(tenantId, snapshot);
    return snapshot;
  }

  private async readStream(tenantId: string): Promise<TenantPolicySnapshot> {
    const history = await this.eventStore.readStream(tenantStreamName(tenantId));
    const state = history.flatMap((event) => TENANT_POLICY_FOLD.decode(event) ?? []).reduce(TENANT_POLICY_FOLD.evolve, TENANT_POLICY_FOLD.initialState());
    return { state, revision: BigInt(history.length - 1) };
  }

  private envelope(event: TenantPolicyEvent, caller: Caller, now: Date, correlationId: string): EventToAppend {
    return toEventToAppend(event, { eventId: this.ids.newEventId(), caller, now, correlationId, schemaVersion: TENANT_POLICY_EVENT_SCHEMA_VERSION });
  }


  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => void this.look().finally(() => this.stopped || this.schedule(POLICY_INVALIDATION_POLL_MS)), delayMs);
    this.timer.unref();
  }

  /** One look for policy changes written anywhere (what the loop runs); public for the spec. */
  async look(): Promise<void> {
    try {
      if (this.seen === undefined) {
        const head = await this.eventStore.headPosition();
        return this.forgetAll(head ?? 'start');
      }
      let after = this.seen === 'start' ? undefined : this.seen;
      for (let read = 0; read < MAX_EVENTS_PER_LOOK; read += PAGE) {
        const page = await this.eventStore.readAll({ after, maxCount: PAGE, filter: { streamNamePrefixes: [TENANT_STREAM_PREFIX] } });
        for (const event of page.events) this.forget(event.streamName.slice(TENANT_STREAM_PREFIX.length));
        const reached = page.events.at(-1)?.position ?? page.scannedTo;
        if (reached) this.seen = after = reached;
        if (page.isEnd || page.events.length === 0) return;
      }
      this.forgetAll((await this.eventStore.headPosition()) ?? 'start');
    } catch (error) {
      this.logger.warn(`Could not look for tenant policy changes; reading policies from the store until it works again: ${describeError(error)}`);
      this.forgetAll(undefined);
    }
  }

  private forget(tenantId: string): void {
    this.generation++;
    this.entries.delete(tenantId);
  }

  private forgetAll(seen: GlobalPosition | 'start' | undefined): void {
    this.generation++;
    this.entries.clear();
    this.seen = seen;
  }
}
