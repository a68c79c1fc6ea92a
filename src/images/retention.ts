/**
 * @module The retention sweep: images older than AIGATE_IMAGE_RETENTION_DAYS leave the image store
 * and then the database, so no object loses its row while it exists (a failed delete leaves both
 * for the next sweep). Several replicas may sweep at once: each deletes the same old objects
 * (deleting a missing object is no error) and rows (rows already gone are skipped), so a race only
 * repeats work.
 */
import type { Store } from '../store/store.js';
import type { ImageStore } from './image-store.js';
import { describeFailure } from './keep-image.js';

export const DAY_MS = 86_400_000;

export interface SweepDeps {
  store: Pick<Store, 'images'>;
  images: ImageStore;
  /** 0 keeps images for ever: nothing is swept. */
  retentionDays: number;
  now: () => number;
  /** Images per round (default 1,000, as many as one S3 DeleteObjects call takes). */
  batch?: number;
  /** Rounds per sweep (default 100); what is left waits for the next sweep. */
  maxRounds?: number;
}

export interface SweepResult {
  /** Image rows this sweep deleted, with their objects. */
  removed: number;
  /** Whole days a disk store dropped, rows or not (images a replica kept that another's sweep cannot reach). */
  daysDropped: number;
}

/** Deletes the images created before now minus the retention. @throws when the store or the database fails. */
export async function sweepImages(deps: SweepDeps): Promise<SweepResult> {
  if (deps.retentionDays === 0) return { removed: 0, daysDropped: 0 };
  const cutoff = deps.now() - deps.retentionDays * DAY_MS;
  const batch = deps.batch ?? 1000;
  let removed = 0;
  for (let round = 0; round < (deps.maxRounds ?? 100); round += 1) {
    const old = await deps.store.images.olderThan(cutoff, batch);
    if (old.length === 0) break;
    await deps.images.delete(old.map((image) => image.key));
    removed += await deps.store.images.remove(old.map((image) => image.requestId));
    if (old.length < batch) break;
  }
  const daysDropped = (await deps.images.dropDaysBefore?.(cutoff)) ?? 0;
  return { removed, daysDropped };
}

export interface SweepLog {
  info(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface ImageSweeper {
  /** Stops the schedule and resolves once a sweep under way has finished. */
  stop(): Promise<void>;
}

/**
 * Sweeps now and then every `intervalMs`, as the expired-holds sweep does (src/station/serve.ts),
 * never two at once in this process. The first sweep does not hold up start-up: deleting a
 * backlog from a bucket can take a while.
 */
export function startImageSweeper(deps: SweepDeps & { intervalMs: number; log: SweepLog }): ImageSweeper {
  let running: Promise<void> | undefined;
  const sweep = () => {
    running ??= sweepImages(deps)
      .then(
        (result) => {
          if (result.removed > 0 || result.daysDropped > 0) deps.log.info({ ...result, retentionDays: deps.retentionDays }, 'deleted images past their retention');
        },
        (error: unknown) => deps.log.error({ imageStore: deps.images.kind, failure: describeFailure(error) }, 'could not sweep images past their retention'),
      )
      .finally(() => {
        running = undefined;
      });
  };
  sweep();
  const timer = setInterval(sweep, deps.intervalMs).unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
