/** See random.mjs. */
export declare function seeded(seed: number): () => number;
