// Every table of the database schema (drizzle-kit reads this file to generate migrations).
export * from './records.ts';
export * from './ideas.ts';
export * from './jobs.ts';
export * from './claims.ts';
export * from './revoked-keys.ts';
export * from './keys.ts';
export * from './forks.ts';
export * from './rate-limits.ts';
export * from './board-counts.ts';
export * from './check-events.ts';
