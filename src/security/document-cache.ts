import type { DocumentNode, Token } from 'graphql';
import type { YogaServerOptions } from 'graphql-yoga';
import { BoundedCache } from './bounded-cache.js';

/**
 * Yoga's parser cache, bounded by bytes instead of by count. Yoga keys it by the document text and keeps
 * 1,024 documents and 1,024 parse errors by default: with 100 KB documents (MAX_REQUEST_BODY_BYTES) of up
 * to 1,000 tokens (MAX_TOKENS), that is up to ~300 KB per document, ~400 MB in all (docs/security.md).
 * Here documents and parse errors share one budget (DOCUMENT_CACHE_BYTES), least recently used first out.
 * The validation cache needs no bound of its own: it is a WeakMap keyed by these documents.
 */

// Measured on graphql-js 16: a parsed document keeps ~290 bytes per token (AST nodes, locations and the
// token list they point into) beside its text; validation errors kept with it may quote the text again.
const BYTES_PER_TOKEN = 320;
const TEXT_COPIES = 3;
const ENTRY_OVERHEAD = 512;

function tokensOf(document: DocumentNode, text: string): number {
  let token: Token | null | undefined = document.loc?.startToken;
  if (!token) return Math.ceil(text.length / 4);
  let count = 0;
  for (; token; token = token.next) count += 1;
  return count;
}

function sizeOf(text: string, parsed: DocumentNode | Error): number {
  const kept = parsed instanceof Error ? 2 * text.length : TEXT_COPIES * text.length;
  return kept + (parsed instanceof Error ? 0 : BYTES_PER_TOKEN * tokensOf(parsed, text)) + ENTRY_OVERHEAD;
}

export function boundedParserCache(
  maxBytes: number,
): Exclude<NonNullable<YogaServerOptions<object, object>['parserAndValidationCache']>, boolean> {
  // One text is either a document or a parse error, so both views share one cache and one budget.
  const cache = new BoundedCache<DocumentNode | Error>(maxBytes, sizeOf);
  return {
    documentCache: {
      get: (text) => {
        const parsed = cache.get(text);
        return parsed instanceof Error ? undefined : parsed;
      },
      set: (text, document) => cache.set(text, document),
    },
    errorCache: {
      get: (text) => {
        const parsed = cache.get(text);
        return parsed instanceof Error ? parsed : undefined;
      },
      set: (text, error) => {
        if (error instanceof Error) cache.set(text, error);
      },
    },
    validationCache: true,
  };
}
