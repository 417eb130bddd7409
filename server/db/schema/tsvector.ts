// A PostgreSQL full-text document column (`tsvector`): idea documents for lexical search, written
// by SQL (`to_tsvector`) and read back only as text.
import { customType } from 'drizzle-orm/pg-core';

export const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });
