"""Words for the status bar: the age of the last backup (GUI thread; plain functions)."""

from __future__ import annotations

from datetime import UTC, datetime

from vbedesk.i18n import _, ngettext

#: A backup older than this many days is called old (the status bar warns).
OLD_AFTER_DAYS = 7


def backup_age_text(last: datetime | None, now: datetime) -> tuple[str, bool]:
    """The status bar's words for the last backup, and whether to warn (none, or old)."""
    if last is None:
        return _("Latest backup: {when}").format(when=_("never")), True
    if last.tzinfo is None:
        last = last.replace(tzinfo=UTC)  # the vault stores UTC without a zone
    days = (now - last).days
    if days <= 0:
        when = _("today, {time}").format(time=last.astimezone().strftime("%H:%M"))
    else:
        when = ngettext("{n} day ago", "{n} days ago", days).format(n=days)
    return _("Latest backup: {when}").format(when=when), days >= OLD_AFTER_DAYS
