CREATE UNLOGGED TABLE "rate_limit_buckets" (
	"bucket" text PRIMARY KEY NOT NULL,
	"tokens" double precision NOT NULL,
	"at_ms" double precision NOT NULL
);
--> statement-breakpoint
CREATE TABLE "board_counts" (
	"harness_key" text NOT NULL,
	"harness_id" text NOT NULL,
	"hardware_class" text NOT NULL,
	"key_fingerprint" text NOT NULL,
	"records" integer NOT NULL,
	"keeps" integer NOT NULL,
	"harness_name" text NOT NULL,
	CONSTRAINT "board_counts_pkey" PRIMARY KEY("harness_key","hardware_class","key_fingerprint","harness_id")
);
--> statement-breakpoint
ALTER TABLE "jobs" ADD COLUMN "lease" text;--> statement-breakpoint
CREATE INDEX "records_rank_idx" ON "records" USING btree (coalesce("harness_key", "harness_id"),"hardware_class","val_bpb","created_at","seq") WHERE "records"."status" = 'keep' AND "records"."val_bpb" IS NOT NULL AND NOT "records"."flagged" AND NOT "records"."hidden" AND "records"."signed";--> statement-breakpoint
CREATE INDEX "records_history_idx" ON "records" USING btree (coalesce("harness_key", "harness_id"),"hardware_class","created_at","seq","val_bpb","id") WHERE "records"."status" = 'keep' AND "records"."val_bpb" IS NOT NULL AND NOT "records"."flagged" AND NOT "records"."hidden" AND "records"."signed";--> statement-breakpoint
-- Takes one token from each named bucket, or none when any is short: returns the short buckets
-- with the tokens they hold (no rows = taken). Buckets hold at most `cap` tokens and refill at
-- `per_ms` a millisecond; `now_ms` null uses the database clock, the same for every server.
-- Rows are locked in name order, so concurrent takers never deadlock.
CREATE FUNCTION crossfork_take_tokens(names text[], cap float8, per_ms float8, now_ms float8)
RETURNS TABLE (short_bucket text, short_tokens float8) LANGUAGE plpgsql AS $$
DECLARE
  t float8 := coalesce(now_ms, extract(epoch FROM clock_timestamp()) * 1000);
BEGIN
  INSERT INTO rate_limit_buckets (bucket, tokens, at_ms)
    SELECT DISTINCT n, cap, t FROM unnest(names) AS n ORDER BY n
    ON CONFLICT (bucket) DO NOTHING;
  PERFORM 1 FROM rate_limit_buckets b WHERE b.bucket = ANY (names) ORDER BY b.bucket FOR UPDATE;
  RETURN QUERY
    SELECT b.bucket, least(cap, b.tokens + greatest(0, t - b.at_ms) * per_ms)
    FROM rate_limit_buckets b
    WHERE b.bucket = ANY (names) AND least(cap, b.tokens + greatest(0, t - b.at_ms) * per_ms) < 1;
  IF NOT FOUND THEN
    UPDATE rate_limit_buckets b
      SET tokens = least(cap, b.tokens + greatest(0, t - b.at_ms) * per_ms) - 1, at_ms = greatest(b.at_ms, t)
      WHERE b.bucket = ANY (names);
  END IF;
END $$;
--> statement-breakpoint
-- board_counts follows every change to signed, visible records: inserts in one statement per
-- batch (rows in key order, so concurrent batches never deadlock); row updates only when a
-- counted column changes (revocation hides, re-derivation moves a class or a harness key).
CREATE FUNCTION board_counts_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO board_counts AS b (harness_key, hardware_class, key_fingerprint, harness_id, records, keeps, harness_name)
    SELECT coalesce(harness_key, harness_id), hardware_class, key_fingerprint, harness_id,
           count(*), count(*) FILTER (WHERE status = 'keep'), max(harness_name)
    FROM new_rows WHERE signed AND NOT hidden
    GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
  ON CONFLICT (harness_key, hardware_class, key_fingerprint, harness_id) DO UPDATE
    SET records = b.records + excluded.records, keeps = b.keeps + excluded.keeps,
        harness_name = greatest(b.harness_name, excluded.harness_name);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION board_counts_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE board_counts b SET records = b.records - d.records, keeps = b.keeps - d.keeps
    FROM (SELECT coalesce(harness_key, harness_id) AS harness_key, hardware_class, key_fingerprint, harness_id,
                 count(*) AS records, count(*) FILTER (WHERE status = 'keep') AS keeps
          FROM old_rows WHERE signed AND NOT hidden GROUP BY 1, 2, 3, 4) d
    WHERE (b.harness_key, b.hardware_class, b.key_fingerprint, b.harness_id) = (d.harness_key, d.hardware_class, d.key_fingerprint, d.harness_id);
  DELETE FROM board_counts WHERE records <= 0;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION board_counts_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.signed AND NOT OLD.hidden THEN
    UPDATE board_counts SET records = records - 1, keeps = keeps - (OLD.status = 'keep')::int
      WHERE (harness_key, hardware_class, key_fingerprint, harness_id)
          = (coalesce(OLD.harness_key, OLD.harness_id), OLD.hardware_class, OLD.key_fingerprint, OLD.harness_id);
    DELETE FROM board_counts
      WHERE (harness_key, hardware_class, key_fingerprint, harness_id)
          = (coalesce(OLD.harness_key, OLD.harness_id), OLD.hardware_class, OLD.key_fingerprint, OLD.harness_id)
        AND records <= 0;
  END IF;
  IF NEW.signed AND NOT NEW.hidden THEN
    INSERT INTO board_counts AS b (harness_key, hardware_class, key_fingerprint, harness_id, records, keeps, harness_name)
      VALUES (coalesce(NEW.harness_key, NEW.harness_id), NEW.hardware_class, NEW.key_fingerprint, NEW.harness_id,
              1, (NEW.status = 'keep')::int, NEW.harness_name)
    ON CONFLICT (harness_key, hardware_class, key_fingerprint, harness_id) DO UPDATE
      SET records = b.records + 1, keeps = b.keeps + excluded.keeps, harness_name = greatest(b.harness_name, excluded.harness_name);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER records_board_insert AFTER INSERT ON records REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION board_counts_insert();
--> statement-breakpoint
CREATE TRIGGER records_board_delete AFTER DELETE ON records REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION board_counts_delete();
--> statement-breakpoint
CREATE TRIGGER records_board_update
  AFTER UPDATE OF signed, hidden, status, harness_id, harness_key, hardware_class, key_fingerprint, harness_name ON records
  FOR EACH ROW WHEN (OLD.signed IS DISTINCT FROM NEW.signed OR OLD.hidden IS DISTINCT FROM NEW.hidden
                     OR OLD.status IS DISTINCT FROM NEW.status OR OLD.harness_id IS DISTINCT FROM NEW.harness_id
                     OR OLD.harness_key IS DISTINCT FROM NEW.harness_key OR OLD.hardware_class IS DISTINCT FROM NEW.hardware_class
                     OR OLD.key_fingerprint IS DISTINCT FROM NEW.key_fingerprint OR OLD.harness_name IS DISTINCT FROM NEW.harness_name)
  EXECUTE FUNCTION board_counts_update();
--> statement-breakpoint
INSERT INTO board_counts (harness_key, hardware_class, key_fingerprint, harness_id, records, keeps, harness_name)
  SELECT coalesce(harness_key, harness_id), hardware_class, key_fingerprint, harness_id,
         count(*), count(*) FILTER (WHERE status = 'keep'), max(harness_name)
  FROM records WHERE signed AND NOT hidden GROUP BY 1, 2, 3, 4;
