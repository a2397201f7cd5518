"""On PostgreSQL, the database itself refuses changes to published minutes.

The model layer refuses them too (minutes/immutability.py); these triggers also
stop raw SQL, bulk operations and any path that skips the models. The life-cycle
methods (publish, start an amendment) set `minutes.lifecycle` for their own
transaction to change a meeting's status.
"""

from django.db import migrations

GUARD = """
CREATE OR REPLACE FUNCTION minutes_meeting_is_published(meeting bigint) RETURNS boolean AS $$
    SELECT EXISTS (SELECT 1 FROM minutes_meeting WHERE id = meeting AND minutes_status = 'published');
$$ LANGUAGE sql STABLE;

CREATE OR REPLACE FUNCTION minutes_refuse_published() RETURNS trigger AS $$
DECLARE
    meeting bigint;
BEGIN
    IF TG_TABLE_NAME = 'minutes_decision' OR TG_TABLE_NAME = 'minutes_footnote' THEN
        SELECT i.meeting_id INTO meeting FROM minutes_agendaitem i
         WHERE i.id = (CASE WHEN TG_OP = 'DELETE' THEN OLD.item_id ELSE NEW.item_id END);
        IF TG_OP = 'UPDATE' AND NOT minutes_meeting_is_published(meeting) THEN
            SELECT i.meeting_id INTO meeting FROM minutes_agendaitem i WHERE i.id = OLD.item_id;
        END IF;
    ELSE
        meeting := CASE WHEN TG_OP = 'DELETE' THEN OLD.meeting_id ELSE NEW.meeting_id END;
        IF TG_OP = 'UPDATE' AND NOT minutes_meeting_is_published(meeting) THEN
            meeting := OLD.meeting_id;
        END IF;
    END IF;
    IF minutes_meeting_is_published(meeting) THEN
        RAISE EXCEPTION 'The minutes of meeting % are published and cannot be changed.', meeting
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION minutes_refuse_published_meeting() RETURNS trigger AS $$
BEGIN
    IF OLD.minutes_status = 'published' THEN
        IF TG_OP = 'DELETE' THEN
            RAISE EXCEPTION 'Published minutes cannot be deleted.'
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF coalesce(current_setting('minutes.lifecycle', true), 'off') <> 'on'
           OR (to_jsonb(NEW) - 'minutes_status' - 'approved_at_meeting_id' - 'last_action_sequence')
              IS DISTINCT FROM (to_jsonb(OLD) - 'minutes_status' - 'approved_at_meeting_id' - 'last_action_sequence') THEN
            RAISE EXCEPTION 'The minutes of meeting % are published and cannot be changed.', OLD.id
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION minutes_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'Published minutes are never changed or deleted.'
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER minutes_meeting_published_guard BEFORE UPDATE OR DELETE ON minutes_meeting
    FOR EACH ROW EXECUTE FUNCTION minutes_refuse_published_meeting();
CREATE TRIGGER minutes_agendaitem_published_guard BEFORE INSERT OR UPDATE OR DELETE ON minutes_agendaitem
    FOR EACH ROW EXECUTE FUNCTION minutes_refuse_published();
CREATE TRIGGER minutes_attendance_published_guard BEFORE INSERT OR UPDATE OR DELETE ON minutes_attendance
    FOR EACH ROW EXECUTE FUNCTION minutes_refuse_published();
CREATE TRIGGER minutes_decision_published_guard BEFORE INSERT OR UPDATE OR DELETE ON minutes_decision
    FOR EACH ROW EXECUTE FUNCTION minutes_refuse_published();
CREATE TRIGGER minutes_footnote_published_guard BEFORE INSERT OR UPDATE OR DELETE ON minutes_footnote
    FOR EACH ROW EXECUTE FUNCTION minutes_refuse_published();
CREATE TRIGGER minutes_publishedminutes_guard BEFORE UPDATE OR DELETE ON minutes_publishedminutes
    FOR EACH ROW EXECUTE FUNCTION minutes_refuse_change();
"""

UNGUARD = """
DROP TRIGGER IF EXISTS minutes_meeting_published_guard ON minutes_meeting;
DROP TRIGGER IF EXISTS minutes_agendaitem_published_guard ON minutes_agendaitem;
DROP TRIGGER IF EXISTS minutes_attendance_published_guard ON minutes_attendance;
DROP TRIGGER IF EXISTS minutes_decision_published_guard ON minutes_decision;
DROP TRIGGER IF EXISTS minutes_footnote_published_guard ON minutes_footnote;
DROP TRIGGER IF EXISTS minutes_publishedminutes_guard ON minutes_publishedminutes;
DROP FUNCTION IF EXISTS minutes_refuse_change();
DROP FUNCTION IF EXISTS minutes_refuse_published_meeting();
DROP FUNCTION IF EXISTS minutes_refuse_published();
DROP FUNCTION IF EXISTS minutes_meeting_is_published(bigint);
"""


def guard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(GUARD, params=None)


def unguard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNGUARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("minutes", "0003_minutes_life_cycle")]

    operations = [migrations.RunPython(guard, unguard)]
