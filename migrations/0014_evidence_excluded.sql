ALTER TABLE "records" ADD COLUMN "evidence_excluded" text;--> statement-breakpoint
ALTER TABLE "idea_evidence" ADD COLUMN "excluded" integer DEFAULT 0 NOT NULL;
