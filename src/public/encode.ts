/**
 * Precompressed answers for the public routes (issue 17: a phone on a weak network). Each answer is
 * compressed once per snapshot and kept with it, so a flood of requests costs no compression; the client
 * gets brotli, gzip or the plain text as its Accept-Encoding allows (q-values honoured by negotiator).
 */
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import Negotiator from 'negotiator';

/** One answer in every encoding offered, base64 for the compressed ones (kept in the JSON-sized cache). */
export interface Encoded {
  text: string;
  br: string;
  gzip: string;
}

// Brotli quality 9 of 11: within a few percent of 11 on HTML and several times faster to compress.
const BROTLI_QUALITY = 9;

/** Compresses a text with brotli and gzip. */
export function encodeAll(text: string): Encoded {
  const raw = Buffer.from(text, 'utf8');
  return {
    text,
    br: brotliCompressSync(raw, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
        [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
      },
    }).toString('base64'),
    gzip: gzipSync(raw, { level: 9 }).toString('base64'),
  };
}

/** The body and its Content-Encoding (null for identity) for a request's Accept-Encoding header. */
export function pick(
  e: Encoded,
  acceptEncoding: string | string[] | undefined,
): { body: Buffer; encoding: string | null } {
  const header = Array.isArray(acceptEncoding) ? acceptEncoding.join(',') : (acceptEncoding ?? '');
  const chosen = new Negotiator({ headers: { 'accept-encoding': header } }).encoding([
    'br',
    'gzip',
    'identity',
  ]);
  if (chosen === 'br') return { body: Buffer.from(e.br, 'base64'), encoding: 'br' };
  if (chosen === 'gzip') return { body: Buffer.from(e.gzip, 'base64'), encoding: 'gzip' };
  return { body: Buffer.from(e.text, 'utf8'), encoding: null };
}
