/**
 * @module An upstream answer's body in one pass: read whole by an adapter, or passed through from
 * the upstream's socket to the client's. Every step along the way (the size limit, the declared
 * length, the breaker's verdict, the charge, a kept copy) is part of the pass or a stage run
 * inside it, synchronously for each chunk. Layered async generators
 * cost a promise and a microtask per chunk per layer (a 1.4 MB image is about 29 chunks, and there
 * were six layers); this costs one push.
 *
 * The last byte goes out only after every stage's `end` has resolved, so the charge is made
 * before the client holds the whole image, and a failure before then cuts the connection instead
 * of leaving a short image that looks whole.
 */
import { Readable } from 'node:stream';
import { UpstreamFailure } from './upstream-failure.js';

/** One step of the pass; every hook is optional. */
export interface FlowStage {
  /** Sees each chunk as it goes out; throwing breaks the flow. Synchronous: no promise per chunk. */
  chunk?(chunk: Buffer): void;
  /** After the upstream's last byte, before the client's last byte, stage by stage; throwing breaks the flow. */
  end?(): void | Promise<void>;
  /** Sees the error that breaks the flow, stage by stage, and returns the one to pass on. */
  error?(error: Error): Error;
  /** Once, when the flow is over however it ended, stage by stage (after every `end` has settled). */
  close?(): void | Promise<void>;
}

export interface FlowOptions {
  /** The upstream's declared length: a flow that ends short of it (or over it) breaks. */
  length?: number;
  /** More than this breaks the flow. */
  maxBytes?: number;
  /** The call's signal: once it fires, the flow breaks with `failure(signal.reason)`. */
  signal: AbortSignal;
  /** What an upstream error (or the signal) becomes before the stages see it. */
  failure?: (error: unknown) => Error;
}

/** Bytes buffered for the client beyond what its socket holds: under one upstream chunk, so a response waiting on a slow client holds one chunk, not several. */
const HIGH_WATER_MARK = 16 * 1024;

const asError = (error: unknown) => (error instanceof Error ? error : new Error(String(error)));

/** A stage's view of the failure; a stage that throws leaves it as it was (it runs inside event handlers). */
function mapped(stage: FlowStage, failure: Error): Error {
  try {
    return stage.error?.(failure) ?? failure;
  } catch {
    return failure;
  }
}

export class ImageFlow {
  readonly length: number | undefined;
  readonly #source: Readable;
  readonly #options: FlowOptions;
  readonly #stages: FlowStage[] = [];
  /** Chunks read before the flow opened (its head); they go out first. */
  readonly #head: Buffer[] = [];
  #headWaiter: ((error?: Error) => void) | undefined;
  #taken = 0;
  #sent = 0;
  #held: Buffer | undefined;
  #sourceEnded = false;
  #state: 'waiting' | 'open' | 'done' | 'failed' = 'waiting';
  #failure: Error | undefined;
  #out: Readable | undefined;
  #ending: Promise<void> = Promise.resolve();
  #closing: Promise<void> | undefined;

  constructor(source: Readable, options: FlowOptions) {
    this.length = options.length;
    this.#source = source;
    this.#options = options;
    source.on('error', (error) => this.#fail(error));
    source.on('end', () => this.#onEnd());
    // Closed without an end or an error (destroyed quietly): it will never say more.
    source.on('close', () => {
      if (!this.#sourceEnded) this.#fail(new UpstreamFailure('broken', 'the upstream answer closed before its end', true));
    });
    options.signal.addEventListener('abort', this.#onAbort, { once: true });
    if (options.signal.aborted) this.#onAbort();
  }

  /** Adds a stage; before the flow opens. A stage added to a flow already broken hears of it at once. */
  use(stage: FlowStage): this {
    if (this.#state === 'open' || this.#state === 'done') throw new Error('a stage must be added before the flow opens');
    if (this.#state === 'failed') {
      this.#failure = mapped(stage, this.#failure!);
      void this.#closeStages([stage]);
    } else this.#stages.push(stage);
    return this;
  }

  /**
   * Reads until `tell` answers about the bytes so far, the upstream ends, or `max` bytes; what was
   * read stays in the flow and goes out first. @throws what breaks the flow meanwhile.
   */
  async head<T>(tell: (head: Buffer) => T | undefined, max: number): Promise<T | undefined> {
    for (;;) {
      const head = this.#head.length === 1 ? this.#head[0]! : Buffer.concat(this.#head);
      const told = head.length > 0 ? tell(head) : undefined;
      if (told !== undefined || head.length >= max || this.#sourceEnded) return told;
      await this.#nextChunk();
    }
  }

  /** The client's stream: the head, then the rest as it arrives. Opens once. */
  open(): Readable {
    if (this.#out) throw new Error('an image flow opens once');
    const out = new Readable({ highWaterMark: HIGH_WATER_MARK, read: () => this.#resume(), destroy: (error, done) => this.#destroyed(error, done) });
    this.#out = out;
    if (this.#state === 'failed') {
      void this.#close().then(() => out.destroy(this.#failure));
      return out;
    }
    this.#state = 'open';
    this.#source.on('data', this.#onData);
    this.#source.pause();
    try {
      for (let chunk = this.#head.shift(); chunk; chunk = this.#head.shift()) this.#forward(chunk);
    } catch (error) {
      this.#fail(error);
      return out;
    }
    if (this.#sourceEnded) this.#finish();
    return out;
  }

  /** Drops the flow unread (a provider that will not pass it on): the upstream's body is closed. */
  cancel(): void {
    this.#fail(new Error('the image flow was cancelled'));
  }

  #nextChunk(): Promise<void> {
    if (this.#failure) return Promise.reject(this.#failure);
    return new Promise<void>((resolve, reject) => {
      this.#headWaiter = (error) => (error ? reject(error) : resolve());
      this.#source.once('data', this.#onHeadData);
      this.#source.resume();
    });
  }

  readonly #onHeadData = (chunk: Buffer) => {
    this.#source.pause();
    try {
      this.#take(chunk);
      this.#head.push(chunk);
      this.#wakeHead();
    } catch (error) {
      this.#fail(error);
    }
  };

  #wakeHead(error?: Error) {
    const waiter = this.#headWaiter;
    this.#headWaiter = undefined;
    this.#source.off('data', this.#onHeadData);
    waiter?.(error);
  }

  readonly #onData = (chunk: Buffer) => {
    try {
      this.#take(chunk);
      this.#forward(chunk);
    } catch (error) {
      this.#fail(error);
    }
  };

  readonly #onAbort = () => this.#fail(this.#options.signal.reason);

  /** Counts a chunk in; @throws when the answer is over its limit. */
  #take(chunk: Buffer) {
    this.#taken += chunk.length;
    const { maxBytes } = this.#options;
    if (maxBytes !== undefined && this.#taken > maxBytes) throw new UpstreamFailure('broken', `the upstream answer is over ${maxBytes} bytes`, true);
    // At once, not at the end: the declared length of bytes would otherwise reach the client and look whole.
    if (this.length !== undefined && this.#taken > this.length) throw new UpstreamFailure('broken', `the upstream answer is over its declared ${this.length} bytes`, true, 200);
  }

  /** Passes a chunk through the stages and on, holding back what must wait for the stages' `end`. */
  #forward(chunk: Buffer) {
    for (const stage of this.#stages) stage.chunk?.(chunk);
    this.#sent += chunk.length;
    if (this.#held) this.#push(this.#held);
    this.#held = undefined;
    // With the length declared, every chunk but the last goes on at once and only the last byte
    // waits: a response held up by a slow client keeps no extra chunk.
    const { length } = this;
    if (length !== undefined && this.#sent < length) this.#push(chunk);
    else if (length !== undefined && this.#sent === length && chunk.length > 1) {
      this.#push(chunk.subarray(0, -1));
      this.#held = chunk.subarray(-1);
    } else this.#held = chunk;
  }

  #push(chunk: Buffer) {
    if (!this.#out!.push(chunk)) this.#source.pause();
  }

  #resume() {
    if (this.#state === 'open' && !this.#sourceEnded) this.#source.resume();
  }

  #onEnd() {
    this.#sourceEnded = true;
    if (this.#state === 'waiting') this.#wakeHead();
    else if (this.#state === 'open') this.#finish();
  }

  #finish() {
    // The upstream delivered: from here the signal no longer breaks the flow. A client that leaves
    // during the ends is caught by its stream's destruction; a deadline or shutdown that fires
    // during the capture must not cut an image that was charged.
    this.#options.signal.removeEventListener('abort', this.#onAbort);
    let ended!: () => void;
    this.#ending = new Promise<void>((resolve) => (ended = resolve));
    void this.#runEnds().finally(ended);
  }

  async #runEnds() {
    try {
      const { length } = this;
      if (length !== undefined && this.#sent !== length) throw new UpstreamFailure('broken', `the upstream answer ended after ${this.#sent} of ${length} bytes`, true, 200);
      for (const stage of this.#stages) {
        // Awaited only when it is a promise: most stages end synchronously, and an await of
        // nothing still costs a promise and a microtask per stage per request.
        const ending = stage.end?.();
        if (!ending) continue;
        await ending;
        if (this.#state !== 'open') return; // broken meanwhile (the client left)
      }
      if (this.#state !== 'open') return;
    } catch (error) {
      return this.#fail(error);
    }
    this.#state = 'done';
    if (this.#held) this.#out!.push(this.#held);
    this.#held = undefined;
    this.#out!.push(null);
    void this.#close();
  }

  #fail(error: unknown) {
    if (this.#state === 'done' || this.#state === 'failed') return;
    this.#state = 'failed';
    let failure = this.#options.failure ? this.#options.failure(error) : asError(error);
    for (const stage of this.#stages) failure = mapped(stage, failure);
    this.#failure = failure;
    this.#source.destroy();
    this.#wakeHead(failure);
    // The stages settle first (a hold released) and only then does the client see the cut.
    void this.#close().then(() => this.#out?.destroy(failure));
  }

  /** The client's stream was destroyed: by #fail, after its end, or by the client leaving. */
  #destroyed(error: Error | null, done: (error?: Error | null) => void) {
    done(error);
    if (this.#state !== 'open') return;
    this.#state = 'failed';
    this.#failure = error ?? new Error('the client stopped reading');
    this.#source.destroy();
    void this.#close();
  }

  #close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#options.signal.removeEventListener('abort', this.#onAbort);
      await this.#ending;
      await this.#closeStages(this.#stages);
    })();
    return this.#closing;
  }

  async #closeStages(stages: readonly FlowStage[]) {
    for (const stage of stages) {
      try {
        const closing = stage.close?.();
        if (closing) await closing;
      } catch {
        // A stage settles its own bookkeeping (a hold it cannot release goes back when its lease ends, decision 56).
      }
    }
  }
}
