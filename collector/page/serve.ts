// Serves the live page: the files in static/ as they are, and uPlot from node_modules (no build
// step). They are code with no data in them, so they need no token; the data comes over /ws,
// which does.
import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PAGE_PREFIX = '/live/';

const STATIC_DIR = join(dirname(fileURLToPath(import.meta.url)), 'static');
const UPLOT_DIR = dirname(createRequire(import.meta.url).resolve('uplot')); // its dist/

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** Only these names, so no request path ever reaches the file system as given. */
const FILES: Record<string, string> = {
  '': join(STATIC_DIR, 'index.html'),
  'index.html': join(STATIC_DIR, 'index.html'),
  'live.js': join(STATIC_DIR, 'live.js'),
  'charts.js': join(STATIC_DIR, 'charts.js'),
  'feed.js': join(STATIC_DIR, 'feed.js'),
  'rates.js': join(STATIC_DIR, 'rates.js'),
  'live.css': join(STATIC_DIR, 'live.css'),
  'vendor/uPlot.iife.min.js': join(UPLOT_DIR, 'uPlot.iife.min.js'),
  'vendor/uPlot.min.css': join(UPLOT_DIR, 'uPlot.min.css'),
};

const cache = new Map<string, Buffer>();

/** True if the path was a page file (and the response is sent). */
export async function servePage(pathname: string, res: ServerResponse): Promise<boolean> {
  if (!pathname.startsWith(PAGE_PREFIX)) return false;
  const file = FILES[pathname.slice(PAGE_PREFIX.length)];
  if (!file) return false;
  let body = cache.get(file);
  if (!body) cache.set(file, (body = await readFile(file)));
  res.writeHead(200, {
    'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
    'content-length': body.length,
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
  });
  res.end(body);
  return true;
}
