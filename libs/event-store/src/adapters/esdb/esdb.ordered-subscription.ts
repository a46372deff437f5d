import type { AllStreamResolvedEvent, AllStreamSubscription } from '@eventstore/db-client';
import type { GlobalPosition } from '../../event-store.port.js';

export type SubscriptionItem =
  | { readonly kind: 'confirmed' }
  | { readonly kind: 'event'; readonly resolved: AllStreamResolvedEvent }
  | { readonly kind: 'checkpoint'; readonly position: GlobalPosition }
  | { readonly kind: 'caught-up' }
  | { readonly kind: 'dropped'; readonly error: unknown };

const PAUSE_AT = 256;
const RESUME_AT = 32;

/**
 * One server subscription as a single ordered sequence. The client's Subscription is a stream of
 * events plus side signals: it emits `caughtUp`, calls `checkpointReached` and emits `error` while
 * events pushed before them may still wait in its buffer. Each signal is therefore held back until
 * the events buffered when it fired have come out, so a checkpoint never overtakes an event.
 */
export class OrderedSubscription {
  private readonly subscription: AllStreamSubscription;
  private readonly ready: SubscriptionItem[] = [];
  private readonly held: { afterEvents: number; item: SubscriptionItem }[] = [];
  private eventsOut = 0;
  private wake: (() => void) | undefined;

  constructor(open: (checkpointReached: (position: GlobalPosition) => void) => AllStreamSubscription) {
    this.subscription = open((position) => this.signal({ kind: 'checkpoint', position }));
    this.subscription
      .on('data', (resolved: AllStreamResolvedEvent) => this.onEvent(resolved))
      .on('confirmation', () => this.signal({ kind: 'confirmed' }))
      .on('caughtUp', () => this.signal({ kind: 'caught-up' }))
      .on('error', (error: unknown) => this.signal({ kind: 'dropped', error }))
      .on('end', () => this.signal({ kind: 'dropped', error: endedByServer() }));
  }

  /** Ends after a `dropped` item, or when the signal aborts. */
  async *items(signal: AbortSignal): AsyncGenerator<SubscriptionItem> {
    const onAbort = () => this.wake?.();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      while (!signal.aborted) {
        const item = this.ready.shift();
        if (!item) {
          await new Promise<void>((resolve) => (this.wake = resolve));
          this.wake = undefined;
          continue;
        }
        if (this.ready.length <= RESUME_AT && this.subscription.isPaused()) this.subscription.resume();
        yield item;
        if (item.kind === 'dropped') return;
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  async close(): Promise<void> {
    this.subscription.removeAllListeners();
    // A late error from the cancelled call must not become an uncaught 'error' event.
    this.subscription.on('error', () => undefined);
    await this.subscription.unsubscribe().catch(() => undefined);
  }

  private onEvent(resolved: AllStreamResolvedEvent): void {
    this.eventsOut++;
    this.push({ kind: 'event', resolved });
    while (this.held.length > 0 && this.held[0]!.afterEvents <= this.eventsOut) this.push(this.held.shift()!.item);
    if (this.ready.length >= PAUSE_AT) this.subscription.pause();
  }

  private signal(item: SubscriptionItem): void {
    const afterEvents = this.eventsOut + this.subscription.readableLength;
    if (this.held.length === 0 && afterEvents <= this.eventsOut) this.push(item);
    else this.held.push({ afterEvents, item });
  }

  private push(item: SubscriptionItem): void {
    this.ready.push(item);
    this.wake?.();
  }
}

/** A subscription never ends on its own; treat it as the server going away (UNAVAILABLE). */
const endedByServer = () => Object.assign(new Error('The server ended the subscription'), { code: 14 });
