// A pgvector column without a fixed dimension: each embedding model has its own size, and
// gets its own partial HNSW index over `embedding::vector(N)` (see idea.repository.ts).
import { customType } from 'drizzle-orm/pg-core';

export const anyVector = customType<{ data: number[]; driverData: string }>({
  dataType: () => 'vector',
  toDriver: (v) => `[${v.join(',')}]`,
  fromDriver: (v) => JSON.parse(v) as number[],
});
