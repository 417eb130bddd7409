// Every table of the database schema (drizzle-kit reads this file to generate migrations).
export * from './records.ts';
