-- Assignment adds a batch's records to idea_evidence instead of recomputing each touched idea from
-- all its records: each cell keeps its counted deltas (for the median) and its contributors' keys.
ALTER TABLE "idea_evidence" ADD COLUMN "delta_values" double precision[];--> statement-breakpoint
ALTER TABLE "idea_evidence" ADD COLUMN "contributor_keys" text[];--> statement-breakpoint
UPDATE "idea_evidence" e SET "delta_values" = x.d, "contributor_keys" = x.k
FROM (
  SELECT idea_id, coalesce(coalesce(harness_key, harness_id), '') AS h, coalesce(hardware_class, '') AS c,
         array_agg(delta_val_bpb) FILTER (WHERE evidence_excluded IS NULL AND delta_val_bpb IS NOT NULL) AS d,
         array_agg(DISTINCT key_fingerprint) FILTER (WHERE evidence_excluded IS NULL AND key_fingerprint IS NOT NULL) AS k
  FROM "records" WHERE idea_id IS NOT NULL AND NOT hidden
  GROUP BY GROUPING SETS ((idea_id, coalesce(harness_key, harness_id), hardware_class), (idea_id))
) x
WHERE e.idea_id = x.idea_id AND e.harness_id = x.h AND e.hardware_class = x.c;
