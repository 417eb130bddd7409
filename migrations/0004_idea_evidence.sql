CREATE TABLE "idea_evidence" (
	"idea_id" text NOT NULL,
	"harness_id" text NOT NULL,
	"hardware_class" text NOT NULL,
	"attempts" integer NOT NULL,
	"keeps" integer NOT NULL,
	"discards" integer NOT NULL,
	"crashes" integer NOT NULL,
	"oom_crashes" integer NOT NULL,
	"max_oom_memory_gb" double precision,
	"contributors" integer NOT NULL,
	"median_delta" double precision,
	"min_delta" double precision,
	"max_delta" double precision,
	CONSTRAINT "idea_evidence_idea_id_harness_id_hardware_class_pk" PRIMARY KEY("idea_id","harness_id","hardware_class")
);
--> statement-breakpoint
DROP INDEX "records_idea_idx";--> statement-breakpoint
CREATE INDEX "idea_evidence_scope_idx" ON "idea_evidence" USING btree ("harness_id","hardware_class");--> statement-breakpoint
CREATE INDEX "records_idea_idx" ON "records" USING btree ("idea_id","seq");--> statement-breakpoint
-- Backfill for databases that already hold assigned records (the service keeps it current).
INSERT INTO "idea_evidence" SELECT "idea_id", coalesce("harness_id", ''), coalesce("hardware_class", ''), count(*)::int,
  (count(*) FILTER (WHERE "status" = 'keep'))::int, (count(*) FILTER (WHERE "status" = 'discard'))::int,
  (count(*) FILTER (WHERE "status" = 'crash'))::int,
  (count(*) FILTER (WHERE "status" = 'crash' AND "description" ~* '(\moom\M|out of memory|outofmemory|cuda error: out of memory|memory exhausted)'))::int,
  max("memory_gb") FILTER (WHERE "status" = 'crash' AND "description" ~* '(\moom\M|out of memory|outofmemory|cuda error: out of memory|memory exhausted)'),
  count(DISTINCT "key_fingerprint")::int, percentile_cont(0.5) WITHIN GROUP (ORDER BY "delta_val_bpb"), min("delta_val_bpb"), max("delta_val_bpb")
FROM "records" WHERE "idea_id" IS NOT NULL AND NOT "hidden"
GROUP BY GROUPING SETS (("idea_id", "harness_id", "hardware_class"), ("idea_id"));
