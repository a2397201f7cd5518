"""Checks on an uploaded file before anything parses it: its size, and for the zip packages Office
files are (XLSX, DOCX), a zip bomb, refused from the zip's directory before a part is unpacked.

Used by the action log import (actions/imports.py) and the Word minutes import
(minutes/word_import.py); each words the refusal for its page with the message given here.
"""

import io
import zipfile

MAX_FILE_BYTES = 20 * 1024 * 1024
# A package is refused when it would unpack to more than this (a zip bomb), or holds a part over
# RATIO_FLOOR that would unpack to more than MAX_RATIO times its packed size.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 200
RATIO_FLOOR = 10 * 1024 * 1024


class UploadRefused(ValueError):
    """A file refused before it is read; the message says why, for the person who sent it."""


class NotAZip(UploadRefused):
    """The file is not a zip package at all, or a damaged one."""


class ZipBomb(UploadRefused):
    """The package would unpack to too much: `unpacked` bytes."""

    def __init__(self, message, unpacked):
        super().__init__(message)
        self.unpacked = unpacked


class PartMissing(UploadRefused):
    """A zip package without the part that makes it what it should be (`needs`)."""


def check_size(data, size=None):
    """Refuse (UploadRefused) an empty file or one over MAX_FILE_BYTES. `size` is the whole file's
    when `data` is only its start (an upload read no further than the limit)."""
    size = len(data) if size is None else size
    if not data:
        raise UploadRefused("The file is empty.")
    if size > MAX_FILE_BYTES:
        raise UploadRefused(
            f"The file is {size / 1024 / 1024:.1f} MB: files up to {MAX_FILE_BYTES // 1024 // 1024} MB "
            "can be imported."
        )


def open_zip(data, *, kind, noun, needs=(), advice=""):
    """`data` opened as a zip package (zipfile.ZipFile), its directory checked, nothing unpacked yet.

    Refuses with NotAZip ("This is not <kind> (it cannot be opened as a <noun>)."), ZipBomb ("The
    <noun> would unpack to N MB: it is refused as it could be a zip bomb." then `advice`) or
    PartMissing ("This is not <kind> (a zip without a <noun> in it).") when a part named in `needs`
    is absent. E.g. kind="an XLSX file", noun="workbook", needs=("xl/workbook.xml",).
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise NotAZip(f"This is not {kind} (it cannot be opened as a {noun}).") from None
    unpacked = sum(info.file_size for info in infos)
    if unpacked > MAX_UNPACKED_BYTES or any(
        info.file_size > MAX_RATIO * max(info.compress_size, 1) and info.file_size > RATIO_FLOOR
        for info in infos
    ):
        message = f"The {noun} would unpack to {unpacked / 1024 / 1024:.0f} MB: it is refused as it could be a zip bomb."
        raise ZipBomb(" ".join(filter(None, [message, advice])), unpacked)
    names = {info.filename for info in infos}
    if any(name not in names for name in needs):
        raise PartMissing(f"This is not {kind} (a zip without a {noun} in it).")
    return archive
