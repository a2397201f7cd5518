"""Editing a part of the minutes in place without losing anyone's change.

An editor starts from a token: a digest of the values it loaded (`edit_token`,
the one recipe every editor uses). A save compares it with the values in the
database inside a transaction that locks the row; if they differ, someone else
saved first and `EditConflict` carries the part as it is now, so the editor can
show both versions and keep what was typed. `edit_part` is that flow for every
in-place editor of the drafting page: the views call it and answer.
"""

import contextlib
import hashlib
from dataclasses import dataclass

from django.core.exceptions import ValidationError
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


# ---- The one edit-with-conflict flow of the in-place editors ---------------------------

INVALID = 422  # the form is shown again with its errors; nothing was saved
CONFLICT = 409  # someone else saved (or deleted) the same part first; nothing was saved


@dataclass
class Edit:
    """What became of an in-place edit: saved, or the form to show again and why.

    `conflict` is the part as someone else saved it (the form is then rebased on it,
    keeping what was typed); `deleted` says it was deleted meanwhile.
    """

    form: object
    status: int = 200
    conflict: object = None
    deleted: bool = False
    saved: bool = False
    result: object = None


def edit_part(request, form, save):
    """Validate `form` on a POST and `save(form)`, which raises EditConflict when the part changed.

    A GET gives the form as loaded. Invalid input, or a ValidationError from the
    save: 422 with the errors on the form. A conflict: 409 with the form rebased
    on the other version (`form.rebase(current)`), so that saving it again
    deliberately replaces that version. Nothing is written unless `saved`.
    """
    if request.method != "POST":
        return Edit(form)
    if not form.is_valid():
        return Edit(form, INVALID)
    try:
        result = save(form)
    except EditConflict as error:
        if error.current is None:
            return Edit(form, CONFLICT, deleted=True)
        return Edit(form.rebase(error.current), CONFLICT, conflict=error.current)
    except ValidationError as error:
        form.add_error(None, error)
        return Edit(form, INVALID)
    return Edit(form, saved=True, result=result)


def into_slot(request, response, slot):
    """A refused in-place save goes back into the part's own slot (`slot`, an element id), not into
    the block its form posts to; for htmx only, a plain post answers with a page of its own."""
    if request.htmx and request.method == "POST":
        response["HX-Retarget"] = f"#{slot}"
        response["HX-Reswap"] = "innerHTML"
    return response
