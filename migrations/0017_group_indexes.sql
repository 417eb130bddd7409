CREATE INDEX IF NOT EXISTS "records_group_members_idx" ON "records" USING btree ("replication_key","hardware_class","seq") WHERE "records"."replication_key" IS NOT NULL AND "records"."val_bpb" IS NOT NULL AND "records"."signed" AND NOT "records"."hidden";--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "records_unreplicated_idx" ON "records" USING btree ("replication_key") WHERE "records"."replication_key" IS NOT NULL AND NOT "records"."replicated" AND "records"."val_bpb" IS NOT NULL AND "records"."signed" AND NOT "records"."hidden";--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "records_flagged_group_idx" ON "records" USING btree ("replication_key") WHERE "records"."replication_key" IS NOT NULL AND "records"."flagged";
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "records_idea_description_idx" ON "records" USING btree (md5("idea_id" || chr(10) || "description"));
