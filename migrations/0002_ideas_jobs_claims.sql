CREATE TABLE "ideas" (
	"id" text PRIMARY KEY NOT NULL,
	"description" text NOT NULL,
	"param_key" text,
	"founding_record_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "record_embeddings" (
	"record_id" text NOT NULL,
	"model" text NOT NULL,
	"idea_id" text NOT NULL,
	"param_key" text,
	"embedding" vector NOT NULL,
	CONSTRAINT "record_embeddings_record_id_model_pk" PRIMARY KEY("record_id","model")
);
--> statement-breakpoint
CREATE TABLE "jobs" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "jobs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"kind" text NOT NULL,
	"subject" text NOT NULL,
	"run_at" timestamp with time zone DEFAULT now() NOT NULL,
	"locked_until" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "claims" (
	"id" text PRIMARY KEY NOT NULL,
	"payload" text NOT NULL,
	"signature" text NOT NULL,
	"public_key" text NOT NULL,
	"key_fingerprint" text NOT NULL,
	"description" text NOT NULL,
	"harness_id" text NOT NULL,
	"hardware_class" text NOT NULL,
	"diff_key" text,
	"param_key" text,
	"embedding_model" text NOT NULL,
	"embedding" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "records" ADD COLUMN "diff_key" text;--> statement-breakpoint
ALTER TABLE "records" ADD COLUMN "param_key" text;--> statement-breakpoint
ALTER TABLE "records" ADD COLUMN "memory_gb" double precision;--> statement-breakpoint
CREATE INDEX "record_embeddings_idea_idx" ON "record_embeddings" USING btree ("idea_id");--> statement-breakpoint
CREATE INDEX "jobs_due_idx" ON "jobs" USING btree ("kind","run_at","id");--> statement-breakpoint
CREATE INDEX "claims_active_idx" ON "claims" USING btree ("harness_id","expires_at");--> statement-breakpoint
CREATE INDEX "records_idea_idx" ON "records" USING btree ("idea_id");--> statement-breakpoint
CREATE INDEX "records_diff_key_idx" ON "records" USING btree ("diff_key");--> statement-breakpoint
CREATE INDEX "records_param_key_idx" ON "records" USING btree ("param_key");