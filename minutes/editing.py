"""Editing a part of the minutes in place without losing anyone's change.

An editor starts from a token: a digest of the values it loaded (`edit_token`,
the one recipe every editor uses). A save compares it with the values in the
database inside a transaction that locks the row; if they differ, someone else
saved first and `EditConflict` carries the part as it is now, so the editor can
show both versions and keep what was typed.
"""

import contextlib
import hashlib

from django.db import transaction


class EditConflict(Exception):
    """Someone else saved this part after the editor loaded it.

    `current` is the part as it is now (None if it was deleted meanwhile).
    """

    def __init__(self, current):
        super().__init__("This was changed by someone else while you were editing it.")
        self.current = current


def edit_token(values):
    """The token of the values an editor starts from: the same recipe for every kind of part."""
    payload = "\x1f".join(repr(value) for value in values)
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


class EditableMixin:
    """Saves that refuse to overwrite a change made since the editor loaded the part.

    An edit form carries `edit_token(fields)`: a digest of the values it started
    from. `save_if_unchanged` compares it with the values in the database inside
    a transaction that locks the row, so of two saves started from the same
    values exactly one wins, whichever process or host runs them. Changes to
    other fields of the same row are not conflicts.
    """

    def prepare_for_save(self):
        """Normalise field values before they are written (sanitising, trimming)."""

    def edit_state(self, fields):
        values = []
        for name in fields:
            field = self._meta.get_field(name)
            if field.many_to_many:
                values.append(sorted(related.pk for related in getattr(self, name).all()))
            else:
                # As text, so that an enum member and its stored string agree.
                values.append(None if field.value_from_object(self) is None else field.value_to_string(self))
        return values

    def edit_token(self, fields):
        return edit_token(self.edit_state(fields))

    @contextlib.contextmanager
    def unchanged_since(self, fields, based_on):
        """Lock the row and give it as it is now, if `fields` still match the token `based_on`.

        Raises EditConflict with the row as it is now (None if it was deleted) otherwise.
        What the caller writes inside the block is in the same transaction as the check.
        """
        with transaction.atomic():
            current = type(self)._base_manager.select_for_update().filter(pk=self.pk).first()
            if current is None or current.edit_token(fields) != based_on:
                raise EditConflict(current)
            yield current

    def save_if_unchanged(self, fields, *, based_on, save_m2m=None):
        """Save `fields` if their stored values still match the token `based_on`.

        Raises EditConflict with the current row otherwise; nothing is written.
        `save_m2m`, if given, is called inside the same transaction.
        """
        with self.unchanged_since(fields, based_on):
            self.prepare_for_save()
            concrete = [name for name in fields if not self._meta.get_field(name).many_to_many]
            auto_now = [f.name for f in self._meta.concrete_fields if getattr(f, "auto_now", False)]
            if concrete:
                self.save(update_fields=[*concrete, *auto_now])
            if save_m2m is not None:
                save_m2m()
