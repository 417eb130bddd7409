CREATE TABLE "key_links" (
	"key_fingerprint" text PRIMARY KEY NOT NULL,
	"public_key" text NOT NULL,
	"github_login" text NOT NULL,
	"link_id" text NOT NULL,
	"payload" text NOT NULL,
	"signature" text NOT NULL,
	"linked_at" timestamp with time zone NOT NULL,
	"checked_at" timestamp with time zone DEFAULT now() NOT NULL,
	"unlinked_at" timestamp with time zone,
	"unlink_reason" text
);
--> statement-breakpoint
CREATE TABLE "forks" (
	"id" text PRIMARY KEY NOT NULL,
	"name_with_owner" text NOT NULL,
	"owner" text NOT NULL,
	"name" text NOT NULL,
	"parent" text NOT NULL,
	"depth" integer NOT NULL,
	"url" text NOT NULL,
	"pushed_at" timestamp with time zone,
	"stars" integer NOT NULL,
	"fork_count" integer NOT NULL,
	"default_branch" text,
	"head_oid" text,
	"head_committed_at" timestamp with time zone,
	"discovered_at" timestamp with time zone DEFAULT now() NOT NULL,
	"seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"crawled_oid" text,
	"crawled_at" timestamp with time zone,
	"crawl_status" text,
	"crawl_detail" text,
	"log_rows" integer,
	"log_skipped" text
);
--> statement-breakpoint
CREATE TABLE "github_cursors" (
	"key" text PRIMARY KEY NOT NULL,
	"cursor" text,
	"pages" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "records" ALTER COLUMN "signature" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "records" ALTER COLUMN "public_key" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "records" ADD COLUMN "signed" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "records" ADD COLUMN "provenance" text;--> statement-breakpoint
CREATE INDEX "key_links_login_idx" ON "key_links" USING btree ("github_login");--> statement-breakpoint
CREATE INDEX "key_links_checked_idx" ON "key_links" USING btree ("checked_at");--> statement-breakpoint
CREATE UNIQUE INDEX "forks_name_idx" ON "forks" USING btree ("name_with_owner");--> statement-breakpoint
CREATE INDEX "forks_order_idx" ON "forks" USING btree ("depth","name_with_owner");--> statement-breakpoint
ALTER TABLE "records" ADD CONSTRAINT "records_signed_check" CHECK ("records"."signed" = ("records"."signature" IS NOT NULL AND "records"."public_key" IS NOT NULL));