"""Dates as written in articles → ISO 8601 (``2019-11-21``)."""

import re
from datetime import datetime

from dateutil import parser as dateutil_parser

_MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
# A date inside a line of other words: "Nov 21, 2019", "21 November 2019", "2019-11-21".
DATE_PATTERN = re.compile(
    rf"\b(?:{_MONTHS}\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+{_MONTHS},?\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})",
    re.IGNORECASE,
)


def parse_date(value: str | None) -> str | None:
    """The ISO date in `value`, or None when there is no full date (year, month and day)."""
    if not value:
        return None
    match = DATE_PATTERN.search(value)
    if not match:
        return None
    try:
        parsed = dateutil_parser.parse(match.group(0), default=datetime(2000, 1, 1))
    except (ValueError, OverflowError):
        return None
    return parsed.date().isoformat()
