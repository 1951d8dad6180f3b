import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { overLimit } from './limits.js';

/** A gzip stream that expands past its bound: what came before it was handed on. */
export class DecompressionLimitError extends Error {}

/**
 * The bytes of an input, gunzipped when they start with gzip's magic number (any file name), streamed: never more
 * than `maxBytes` of decompressed output, so that a small bomb (28 MB that expand to 6 GB) ends with an error at the
 * bound instead of exhausting memory or time. Input that is not gzip passes through as it is, unbounded here.
 */
export async function* decompressed(source: AsyncIterable<Uint8Array>, maxBytes: number): AsyncGenerator<Uint8Array> {
  const iterator = source[Symbol.asyncIterator]();
  let head = Buffer.alloc(0);
  while (head.length < 2) {
    const next = await iterator.next();
    if (next.done) {
      if (head.length) yield head;
      return;
    }
    head = head.length ? Buffer.concat([head, next.value]) : Buffer.from(next.value);
  }
  async function* all() {
    yield head;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  }
  if (!isGzip(head)) {
    yield* all();
    return;
  }
  const gunzip = createGunzip();
  // An error on either side destroys the gunzip stream with it, and so ends the iteration below with the error.
  const flowing = pipeline(Readable.from(all()), gunzip).catch(() => {});
  let length = 0;
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      length += chunk.length;
      if (length > maxBytes) {
        throw new DecompressionLimitError(`expands to ${overLimit('decompressedBytes', maxBytes)} when decompressed`);
      }
      yield chunk;
    }
  } finally {
    // Leaving early (the bound, or a consumer that stops) must not leave the file open or the inflater running.
    gunzip.destroy();
    await flowing;
  }
}

export function isGzip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** All of `source`, decompressed as {@link decompressed} does, in one buffer. */
export async function decompressedWhole(source: AsyncIterable<Uint8Array>, maxBytes: number): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of decompressed(source, maxBytes)) chunks.push(chunk);
  return Buffer.concat(chunks);
}
