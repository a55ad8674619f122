"""What makes a passphrase acceptable for a vault: length and variety, explained."""

from __future__ import annotations

from vbedesk.i18n import N_

MIN_LENGTH = 12


def passphrase_problems(passphrase: str) -> list[str]:
    """English msgids saying why ``passphrase`` is too weak; empty when acceptable.

    Length dominates the strength of a passphrase that is typed by a person; a long
    sentence of ordinary words is good, a short word with symbols is not.
    """
    problems: list[str] = []
    stripped = passphrase.strip()
    if len(stripped) < MIN_LENGTH:
        problems.append(N_("Use at least 12 characters; a short sentence is easiest."))
    if stripped and len(set(stripped.lower())) < 5:
        problems.append(N_("Use more different characters."))
    if stripped != passphrase:
        problems.append(N_("Do not start or end with a space."))
    return problems
