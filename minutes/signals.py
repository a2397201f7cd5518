"""Signals the minutes send, for what other apps keep beside them."""

from django.dispatch import Signal

# Sent by minutes.services.items.item_delete inside its transaction, before an item and its
# sub-items are deleted, with `meeting_id` and `item_ids` (the item and its sub-items), so
# that what was recorded on them (the actions raised there) goes with them.
items_deleting = Signal()

# Sent by Meeting's life-cycle transitions, inside their transaction, once the minutes of
# `meeting` moved `from_status` -> `to_status`: what depends on whether they are published
# (what readers may search) is brought up to date.
minutes_status_changed = Signal()

# Sent by minutes.services.committees.committee_configure inside its transaction, with the
# `committee` holding its new conventions (not saved yet) and the names `changed`: a receiver
# raises ValidationError (by field) to refuse the change.
conventions_changing = Signal()

# Sent by minutes.services.word_import.preview_import with the `committee` and the `imported`
# minutes (minutes.word_import.ImportedMinutes) read from a Word file, before anything is saved:
# each receiver returns a list of sentences saying what the import would do with its part (the
# actions raised and the Actions Outstanding rows), for the preview.
minutes_import_checking = Signal()

# Sent by minutes.services.word_import.import_minutes inside its transaction, once the meeting,
# its attendance, items, decisions and footnotes are saved (the meeting still a draft), with
# `meeting`, `imported`, `items` ({id(ImportedItem): AgendaItem}), `by` and `filename`: each
# receiver saves its part and returns a list of sentences saying what it did.
minutes_imported = Signal()
