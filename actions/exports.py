"""The action log as CSV and XLSX: the seed's table (Action ID ... Owner) plus status and latest update.

Cells a spreadsheet would read as a formula (= + - @, or a leading tab or carriage
return) are prefixed with a quote, so that text typed into an action stays text.
"""

import csv
import io
import re

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

HEADERS = (
    "Action ID",
    "Action",
    "Date Raised",
    "Last Target Date",
    "Revised Target Date",
    "Owner",
    "Status",
    "Latest Update Date",
    "Latest Update",
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# What XML 1.0, so XLSX, cannot hold: openpyxl's control characters, and U+FFFE and U+FFFF
# (written as they are, they make the whole file unreadable).
NOT_IN_XLSX = re.compile(f"{ILLEGAL_CHARACTERS_RE.pattern}|[\ufffe\uffff]")
DATE_FORMAT = "%d/%m/%Y"


def inert(text):
    """`text` as a spreadsheet will show it, never run it."""
    text = text or ""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def target_dates(action):
    """(last, revised) as the seed's table prints them: a revision shows the date it replaced."""
    if action.previous_target_on is None:
        return action.due_on, None
    return action.previous_target_on, action.due_on


def rows(actions):
    """One tuple per action (annotated by with_log_columns, owners prefetched): text cells made inert."""
    for action in actions:
        last_target_on, revised_target_on = target_dates(action)
        yield (
            inert(action.reference),
            inert(action.text),
            action.raised_on,
            last_target_on,
            revised_target_on,
            inert(action.owner_names),
            action.status_display,
            action.latest_update_on,
            inert(action.latest_update_text),
        )


# Rows read from the database at a time (a server-side cursor on PostgreSQL), and written per
# piece of a streamed CSV: memory stays the same whatever the number of actions.
CHUNK_ROWS = 2000
PIECE_ROWS = 500


def csv_pieces(actions):
    """The CSV a piece at a time, for a streaming response: UTF-8 with a byte-order mark (so that
    Excel reads accents), dates as dd/mm/yyyy. `actions` (a queryset) is read with a cursor,
    CHUNK_ROWS at a time."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    read = actions.iterator(chunk_size=CHUNK_ROWS) if hasattr(actions, "iterator") else actions
    for number, row in enumerate(rows(read), start=1):
        writer.writerow(
            [cell.strftime(DATE_FORMAT) if hasattr(cell, "strftime") else cell or "" for cell in row]
        )
        if number % PIECE_ROWS == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def as_csv(actions):
    """The whole CSV at once (see csv_pieces)."""
    return b"".join(csv_pieces(actions))


def as_xlsx(actions):
    """The log as an Excel workbook, written row by row (openpyxl's write-only mode): the workbook is
    never held in memory, only the packed file. Dates as dates (dd/mm/yyyy), text never a formula."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Action log")
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCDEFGHI", (14, 60, 12, 12, 12, 20, 16, 12, 60), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.append([_cell(sheet, header, bold=True) for header in HEADERS])
    read = actions.iterator(chunk_size=CHUNK_ROWS) if hasattr(actions, "iterator") else actions
    for row in rows(read):
        # Characters XLSX cannot hold at all (control characters, U+FFFE, U+FFFF) are dropped.
        sheet.append([_cell(sheet, NOT_IN_XLSX.sub("", c) if isinstance(c, str) else c) for c in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell(sheet, value, *, bold=False):
    cell = WriteOnlyCell(sheet, value=value)
    if bold:
        cell.font = Font(bold=True)
    if cell.is_date:
        cell.number_format = "DD/MM/YYYY"
    elif isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever the text (it is quoted as well)
    return cell
