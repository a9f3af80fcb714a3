/**
 * Options for a zod parse that runs once or a few times per process (an image manifest, a policy
 * file, a credentials file): no compiled fast path. On its first parse zod builds a parser for
 * each object schema with `new Function` and V8 compiles it, which pays only over many parses of
 * the same schema. A warm `sbom` of debian-node's docker-archive parses a handful of image
 * documents: 0.168 → 0.144 s wall, 0.192 → 0.157 s CPU without it (20 interleaved rounds).
 * Parsers that run per request in a long-lived process (the admission webhook) keep the fast path.
 */
export const PARSE_ONCE = { jitless: true } as const;
