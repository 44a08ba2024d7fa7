ALTER TABLE "transactions" DROP CONSTRAINT "transactions_organization_id_organizations_id_fk";
--> statement-breakpoint
ALTER TABLE "transactions" DROP CONSTRAINT "transactions_lan_center_id_lan_centers_id_fk";
--> statement-breakpoint
ALTER TABLE "transactions" DROP CONSTRAINT "transactions_shift_id_cashier_shifts_id_fk";
--> statement-breakpoint
ALTER TABLE "transactions" DROP CONSTRAINT "transactions_actor_id_users_id_fk";
--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "live_sessions" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "accounts" ADD CONSTRAINT "accounts_live_sessions_nonneg" CHECK ("accounts"."live_sessions" >= 0);--> statement-breakpoint
UPDATE "accounts" a SET "live_sessions" = (SELECT count(*) FROM "sessions" s WHERE s."account_id" = a."id" AND s."status" IN ('ACTIVE', 'PAUSED'));
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "accounts_track_live_sessions"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  was_live boolean := TG_OP <> 'INSERT' AND OLD."account_id" IS NOT NULL AND OLD."status" IN ('ACTIVE', 'PAUSED');
  is_live boolean := TG_OP <> 'DELETE' AND NEW."account_id" IS NOT NULL AND NEW."status" IN ('ACTIVE', 'PAUSED');
BEGIN
  IF was_live AND (NOT is_live OR OLD."account_id" IS DISTINCT FROM NEW."account_id") THEN
    UPDATE "accounts" SET "live_sessions" = "live_sessions" - 1 WHERE "id" = OLD."account_id";
  END IF;
  IF is_live AND (NOT was_live OR OLD."account_id" IS DISTINCT FROM NEW."account_id") THEN
    UPDATE "accounts" SET "live_sessions" = "live_sessions" + 1 WHERE "id" = NEW."account_id";
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "sessions_track_live" AFTER INSERT OR DELETE OR UPDATE OF "status", "account_id" ON "sessions" FOR EACH ROW EXECUTE FUNCTION "accounts_track_live_sessions"();
