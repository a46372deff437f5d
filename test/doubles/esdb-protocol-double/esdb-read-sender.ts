import type { ServerWritableStream } from '@grpc/grpc-js';
import type streamsPb from '@eventstore/db-client/generated/streams_pb.js';

type ReadResp = InstanceType<typeof streamsPb.ReadResp>;
type ReadCall = ServerWritableStream<InstanceType<typeof streamsPb.ReadReq>, ReadResp>;

/** Writes with backpressure and knows when the client has gone (cancelled, or the server stopped). */
export class Sender {
  closed = false;
  private readonly closeListeners: (() => void)[] = [];

  /** `dropAfter`: fail the call with `error` once this many events have been sent (fault injection). */
  constructor(
    private readonly call: ReadCall,
    private readonly dropAfter?: { events: number; readonly error: Error },
  ) {
    const close = () => {
      if (this.closed) return;
      this.closed = true;
      for (const listener of this.closeListeners) listener();
    };
    call.on('cancelled', close);
    call.on('close', close);
    call.on('error', close);
  }

  onClose(listener: () => void): void {
    if (this.closed) listener();
    else this.closeListeners.push(listener);
  }

  /** False when the client is gone and the caller should stop. */
  async send(message: ReadResp): Promise<boolean> {
    if (this.closed) return false;
    if (this.dropAfter && message.hasEvent() && this.dropAfter.events-- <= 0) {
      this.fail(this.dropAfter.error);
      return false;
    }
    if (!this.call.write(message)) {
      await new Promise<void>((resolve) => {
        this.call.once('drain', resolve);
        this.onClose(resolve);
      });
    }
    return !this.closed;
  }

  /** Ends the call with an error status, as a server dropping the subscription does. */
  fail(error: Error): void {
    if (this.closed) return;
    this.call.emit('error', error);
  }

  finish(last?: ReadResp): void {
    if (this.closed) return;
    if (last) this.call.write(last);
    this.call.end();
  }
}
