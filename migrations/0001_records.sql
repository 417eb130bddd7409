CREATE TABLE "records" (
	"id" text PRIMARY KEY NOT NULL,
	"seq" bigint GENERATED ALWAYS AS IDENTITY (sequence name "records_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"payload" text NOT NULL,
	"signature" text NOT NULL,
	"public_key" text NOT NULL,
	"key_fingerprint" text NOT NULL,
	"harness_id" text NOT NULL,
	"harness_name" text NOT NULL,
	"hardware_class" text NOT NULL,
	"status" text NOT NULL,
	"description" text NOT NULL,
	"val_bpb" double precision,
	"parent_val_bpb" double precision,
	"delta_val_bpb" double precision,
	"fork_id" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"idea_id" text
);
--> statement-breakpoint
CREATE INDEX "records_seq_idx" ON "records" USING btree ("seq");--> statement-breakpoint
CREATE INDEX "records_board_idx" ON "records" USING btree ("harness_id","hardware_class","status","val_bpb");--> statement-breakpoint
CREATE INDEX "records_key_idx" ON "records" USING btree ("key_fingerprint","seq");--> statement-breakpoint
CREATE INDEX "records_class_idx" ON "records" USING btree ("hardware_class","seq");