CREATE TABLE "check_events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "check_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"key_fingerprint" text,
	"harness_id" text,
	"harness_key" text,
	"hardware_class" text,
	"verdict" text NOT NULL,
	"diff_key" text,
	"changes" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"idea_ids" text[] DEFAULT '{}'::text[] NOT NULL
);
--> statement-breakpoint
CREATE INDEX "check_events_key_idx" ON "check_events" USING btree ("key_fingerprint","created_at");--> statement-breakpoint
CREATE INDEX "check_events_harness_idx" ON "check_events" USING btree ("harness_key","created_at");
