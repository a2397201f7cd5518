"""Dates as UK secretariats write them: 23/08/2021, 23 August 2021, 23rd Aug 2021, 23-Aug-21,
2021-08-23, or as a spreadsheet stores them (a date cell, an Excel serial number).

Read by the action log import (actions/imports.py) and the Word minutes import (minutes/word_import.py).
"""

import datetime
import re

MONTH_FORMATS = ("%d %B %Y", "%d %b %Y", "%d %B %y", "%d %b %y", "%d-%b-%y", "%d-%b-%Y", "%d-%B-%Y")
NUMERIC_FORMATS = ("%d/%m/%Y", "%d/%m/%y", "%d.%m.%Y", "%d-%m-%Y", "%Y-%m-%d", "%Y/%m/%d")
ORDINAL = re.compile(r"(?<=\d)(st|nd|rd|th)\b", re.IGNORECASE)
EXCEL_EPOCH = datetime.date(1899, 12, 30)


def parse_date(value):
    """A date as a log holds it, or ValueError."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = ORDINAL.sub("", " ".join(str(value).replace(",", " ").split()))
    if re.fullmatch(r"\d{5}(\.\d+)?", text):
        serial = float(text)
        if 20000 <= serial <= 80000:  # an Excel serial: 1954 to 2119
            return EXCEL_EPOCH + datetime.timedelta(days=int(serial))
    for form in NUMERIC_FORMATS + MONTH_FORMATS:
        try:
            return datetime.datetime.strptime(text, form).date()
        except ValueError:
            continue
    # "Sept" as people write it.
    if re.search(r"\bsept\b", text, re.IGNORECASE):
        return parse_date(re.sub(r"\bsept\b", "Sep", text, flags=re.IGNORECASE))
    raise ValueError(text)
