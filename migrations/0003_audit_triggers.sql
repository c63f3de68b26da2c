-- The audit trail and the change feed are append-only: the database itself refuses to change
-- or remove an event, whoever asks (the service, a script, a clerk with a SQL tool).
CREATE TRIGGER `audit_events_no_update` BEFORE UPDATE ON `audit_events`
BEGIN
	SELECT RAISE(ABORT, 'audit_events is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `audit_events_no_delete` BEFORE DELETE ON `audit_events`
BEGIN
	SELECT RAISE(ABORT, 'audit_events is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `domain_events_no_update` BEFORE UPDATE ON `domain_events`
BEGIN
	SELECT RAISE(ABORT, 'domain_events is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `domain_events_no_delete` BEFORE DELETE ON `domain_events`
BEGIN
	SELECT RAISE(ABORT, 'domain_events is append-only');
END;
