"""The database itself refuses changes to published minutes.

The model layer refuses them too (minutes/immutability.py); these triggers also
stop raw SQL, bulk operations and any path that skips the models. The life-cycle
methods (publish, start an amendment) set `minutes.lifecycle` for their own
transaction to change a meeting's status. SQLite has no session settings: there
the triggers let a published meeting's status change (an amendment) and refuse
other inserts and updates; deletes are refused by the model layer only, since
SQLite empties tables with DELETE (Django's flush), where PostgreSQL truncates.
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


SQLITE_PUBLISHED = "(SELECT minutes_status FROM minutes_meeting WHERE id = {ref}) = 'published'"
SQLITE_ITEM_PUBLISHED = (
    "(SELECT m.minutes_status FROM minutes_meeting m JOIN minutes_agendaitem i ON i.meeting_id = m.id "
    "WHERE i.id = {ref}) = 'published'"
)
SQLITE_RAISE = "BEGIN SELECT RAISE(ABORT, 'These minutes are published and cannot be changed.'); END;"
MEETING_COLUMNS = [
    "committee_id",
    "number",
    "kind",
    "held_on",
    "start_time",
    "end_time",
    "location",
    "next_main_meeting_on",
    "next_reporting_meeting_on",
]


def sqlite_statements():
    parts = [
        ("minutes_agendaitem", SQLITE_PUBLISHED, "meeting_id"),
        ("minutes_attendance", SQLITE_PUBLISHED, "meeting_id"),
        ("minutes_decision", SQLITE_ITEM_PUBLISHED, "item_id"),
        ("minutes_footnote", SQLITE_ITEM_PUBLISHED, "item_id"),
    ]
    for table, condition, column in parts:
        yield (
            f"CREATE TRIGGER {table}_published_insert BEFORE INSERT ON {table} "
            f"WHEN {condition.format(ref='NEW.' + column)} {SQLITE_RAISE}"
        )
        yield (
            f"CREATE TRIGGER {table}_published_update BEFORE UPDATE ON {table} "
            f"WHEN {condition.format(ref='OLD.' + column)} OR {condition.format(ref='NEW.' + column)} {SQLITE_RAISE}"
        )
    changed = " OR ".join(f"NEW.{column} IS NOT OLD.{column}" for column in MEETING_COLUMNS)
    yield (
        "CREATE TRIGGER minutes_meeting_published_update BEFORE UPDATE ON minutes_meeting "
        f"WHEN OLD.minutes_status = 'published' AND ({changed}) {SQLITE_RAISE}"
    )
    yield (
        "CREATE TRIGGER minutes_publishedminutes_update BEFORE UPDATE ON minutes_publishedminutes "
        "BEGIN SELECT RAISE(ABORT, 'Published minutes are never changed.'); END;"
    )


def sqlite_trigger_names():
    for statement in sqlite_statements():
        yield statement.split()[2]


def guard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(GUARD, params=None)
    elif schema_editor.connection.vendor == "sqlite":
        for statement in sqlite_statements():
            schema_editor.execute(statement, params=None)


def unguard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNGUARD, params=None)
    elif schema_editor.connection.vendor == "sqlite":
        for name in sqlite_trigger_names():
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}", params=None)


class Migration(migrations.Migration):
    dependencies = [("minutes", "0003_minutes_life_cycle")]

    operations = [migrations.RunPython(guard, unguard)]
