-- The audit trail and the change feed are append-only: the database itself refuses to change
-- or remove an event, whoever asks (the service, a script, a clerk with a SQL tool); as the
-- SQLite triggers of migrations/0003_audit_triggers.sql. TRUNCATE is refused too.
CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events FOR EACH ROW EXECUTE FUNCTION refuse_change();
--> statement-breakpoint
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events FOR EACH ROW EXECUTE FUNCTION refuse_change();
--> statement-breakpoint
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
--> statement-breakpoint
CREATE TRIGGER domain_events_no_update BEFORE UPDATE ON domain_events FOR EACH ROW EXECUTE FUNCTION refuse_change();
--> statement-breakpoint
CREATE TRIGGER domain_events_no_delete BEFORE DELETE ON domain_events FOR EACH ROW EXECUTE FUNCTION refuse_change();
--> statement-breakpoint
CREATE TRIGGER domain_events_no_truncate BEFORE TRUNCATE ON domain_events FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
