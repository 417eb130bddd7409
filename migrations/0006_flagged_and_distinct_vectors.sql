ALTER TABLE "record_embeddings" ADD COLUMN "vector_key" text;--> statement-breakpoint
CREATE INDEX "records_flagged_idx" ON "records" USING btree ("idea_id") WHERE "records"."flagged";--> statement-breakpoint
CREATE UNIQUE INDEX "record_embeddings_distinct_idx" ON "record_embeddings" USING btree ("idea_id","model","vector_key");