ALTER TABLE "records" ADD COLUMN "hardware_family" text;--> statement-breakpoint
ALTER TABLE "records" ADD COLUMN "accelerator_kind" text;--> statement-breakpoint
ALTER TABLE "records" ADD COLUMN "harness_key" text;--> statement-breakpoint
ALTER TABLE "records" ADD COLUMN "changes" jsonb;--> statement-breakpoint
ALTER TABLE "records" ADD COLUMN "derived_version" text;--> statement-breakpoint
ALTER TABLE "idea_evidence" ADD COLUMN "hardware_family" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "idea_evidence" ADD COLUMN "accelerator_kind" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "idea_evidence" ADD COLUMN "deltas" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "ideas" ADD COLUMN "concepts" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "ideas" ADD COLUMN "changes" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "ideas" ADD COLUMN "search" "tsvector";--> statement-breakpoint
ALTER TABLE "ideas" ADD COLUMN "attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "records_derived_idx" ON "records" USING btree ("derived_version","seq");--> statement-breakpoint
CREATE INDEX "ideas_concepts_idx" ON "ideas" USING gin ("concepts");--> statement-breakpoint
CREATE INDEX "ideas_search_idx" ON "ideas" USING gin ("search");