// Serves the live page with @fastify/static: the files in static/ as they are, and uPlot from
// node_modules (no build step). They are code with no data in them, so they need no token; the
// data comes over /ws, which does.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic, { type SetHeadersResponse } from '@fastify/static';
import type { FastifyInstance } from 'fastify';

export const PAGE_PREFIX = '/live/';

const STATIC_DIR = join(dirname(fileURLToPath(import.meta.url)), 'static');
const UPLOT_DIR = dirname(createRequire(import.meta.url).resolve('uplot')); // its dist/
const UPLOT_FILES = new Set(['uPlot.iife.min.js', 'uPlot.min.css']);

// Revalidated on each load, so a new collector's page is never mixed with an old cached one.
const headers = (res: SetHeadersResponse): void => {
  res.setHeader('cache-control', 'no-cache');
  res.setHeader('x-content-type-options', 'nosniff');
};

export async function registerPage(app: FastifyInstance): Promise<void> {
  const common = { cacheControl: false, setHeaders: headers, dotfiles: 'deny' as const };
  await app.register(fastifyStatic, { ...common, root: STATIC_DIR, prefix: PAGE_PREFIX });
  // Only uPlot's two files, not the rest of its dist/.
  await app.register(fastifyStatic, {
    ...common,
    root: UPLOT_DIR,
    prefix: `${PAGE_PREFIX}vendor/`,
    decorateReply: false,
    allowedPath: (path) => UPLOT_FILES.has(path.replace(/^\//, '')),
  });
}
