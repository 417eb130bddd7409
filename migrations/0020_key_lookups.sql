-- Assignment and check find the earliest assigned record of a diff or parameter key: (key, seq)
-- reads it in key order without reading every record that shares the key. The plain (key)
-- indexes they replace are their prefix.
CREATE INDEX IF NOT EXISTS "records_diff_key_seq_idx" ON "records" USING btree ("diff_key","seq");--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "records_param_key_seq_idx" ON "records" USING btree ("param_key","seq");--> statement-breakpoint
DROP INDEX IF EXISTS "records_diff_key_idx";--> statement-breakpoint
DROP INDEX IF EXISTS "records_param_key_idx";
