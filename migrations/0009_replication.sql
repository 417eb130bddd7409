ALTER TABLE "records" ADD COLUMN "replicates" text;--> statement-breakpoint
ALTER TABLE "records" ADD COLUMN "replication_key" text;--> statement-breakpoint
ALTER TABLE "records" ADD COLUMN "replicated" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX "records_replication_idx" ON "records" USING btree (coalesce("harness_key", "harness_id"),"hardware_class","replication_key") WHERE "records"."replicated" AND "records"."val_bpb" IS NOT NULL AND "records"."signed" AND NOT "records"."hidden";--> statement-breakpoint
CREATE INDEX "records_replication_key_idx" ON "records" USING btree ("replication_key","hardware_class") WHERE "records"."replication_key" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "records_replicates_idx" ON "records" USING btree ("replicates") WHERE "records"."replicates" IS NOT NULL;--> statement-breakpoint
-- Replication groups of records stored before them: the parent train.py's SHA-256 and the diff
-- key idea assignment computed (the same normalised-diff hash the server now computes at ingest).
UPDATE "records" SET "replication_key" = 's:' || ("payload"::jsonb #>> '{parent,train_py_sha256}') || ':' || "diff_key"
  WHERE "diff_key" IS NOT NULL AND ("payload"::jsonb #>> '{parent,train_py_sha256}') IS NOT NULL;
--> statement-breakpoint
UPDATE "records" r SET "replicated" = true
  FROM (SELECT coalesce("harness_key", "harness_id") AS k, "hardware_class", "replication_key" FROM "records"
        WHERE "replication_key" IS NOT NULL AND "val_bpb" IS NOT NULL AND "signed" AND NOT "hidden"
        GROUP BY 1, 2, 3 HAVING count(*) > 1) g
  WHERE coalesce(r."harness_key", r."harness_id") = g.k AND r."hardware_class" = g."hardware_class" AND r."replication_key" = g."replication_key";
