"""The build date: "today" for every relative date on the site.

Honours ``SOURCE_DATE_EPOCH`` (reproducible-builds.org) so that a build, and a test, can be
pinned to a day.
"""

from __future__ import annotations

import datetime as dt
import os


def build_date(environ=os.environ) -> dt.date:
    """Today in UTC, or the day of ``SOURCE_DATE_EPOCH`` when it is set to a number of seconds."""
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc).date()
        except (ValueError, OverflowError, OSError):
            raise ValueError(f"SOURCE_DATE_EPOCH must be a whole number of seconds, not {epoch!r}") from None
    return dt.datetime.now(tz=dt.timezone.utc).date()


def parse_date(value) -> dt.date | None:
    """The date an ISO ``YYYY-MM-DD`` text names, or None (the schema reports bad dates)."""
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None
