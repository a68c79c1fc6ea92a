/**
 * @module GET /admin/api/images/:requestId: the image a request was answered with, streamed from the
 * image store while its retention lasts, for the console's usage log and playground. Behind the
 * admin scope's authentication like every admin route; a GET needs no CSRF token.
 */
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { DAY_MS, openImageStore } from '../../../images/index.js';
import { notFoundThing, type AdminContext } from './context.js';

/** The browser may keep it an hour: an image never changes, and `private` keeps it out of shared caches. */
const CACHE_CONTROL = 'private, max-age=3600';

export function registerImageRoutes(app: FastifyInstance, ctx: AdminContext): void {
  const images = openImageStore(ctx.config.images);
  if (images) app.addHook('onClose', () => images.close());
  const { retentionDays } = ctx.config.images;

  // No HEAD: it would open the stored object only to throw it away.
  app.get<{ Params: { requestId: string } }>('/images/:requestId', { exposeHeadRoute: false }, async (request, reply) => {
    const { requestId } = request.params;
    const gone = notFoundThing('image', requestId);
    if (!images) throw gone;
    const record = await ctx.store.images.find(requestId);
    // Past its retention but not yet swept counts as gone, as it will be within the hour.
    if (!record || (retentionDays > 0 && record.createdAt < ctx.now() - retentionDays * DAY_MS)) throw gone;
    const stored = await images.get(record.key);
    if (!stored) throw gone;
    return reply
      .header('content-type', record.contentType)
      .header('content-length', stored.length)
      .header('content-disposition', `inline; filename="${path.posix.basename(record.key)}"`)
      .header('cache-control', CACHE_CONTROL)
      .header('x-content-type-options', 'nosniff')
      .send(stored.body);
  });
}
