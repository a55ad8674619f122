"""``vbedesk selftest``: prove that an installation works, step by step, on a throwaway vault.

It lives in the UI layer, the top one (``cli`` alone calls it): the steps use the storage
and reports layers exactly as the program does, and the window step comes from
``vbedesk.ui.smoke``. Everything happens in a new temporary folder that is removed at the
end; the user's vault, keyring and settings are never touched.

The temporary vault and backup use small Argon2id parameters (``KdfParams.insecure_for_tests``)
so that the check takes seconds; the output says so. Real vaults calibrate their own.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from vbedesk.errors import VbedeskError
from vbedesk.i18n import N_, _
from vbedesk.paths import ResourceMissing, resource_path

SELFTEST_PASSPHRASE = "selftest only: a throwaway vault"  # noqa: S105 - never a real vault


@dataclass
class Outcome:
    """One step's result: its (translated) title, whether it passed and a short detail."""

    title: str
    ok: bool
    detail: str = ""


@dataclass
class _State:
    folder: Path
    service: Any = None
    incident_id: int | None = None
    outcomes: list[Outcome] = field(default_factory=list)


def _service(state: _State) -> Any:
    """The open service of the temporary vault, or a clear failure when no step made it."""
    if state.service is None or not state.service.is_open:
        raise VbedeskError(N_("Not run: an earlier step failed."))
    return state.service


def _describe(exc: BaseException) -> str:
    """A failure without user data: our own messages, a missing resource, else the class."""
    if isinstance(exc, VbedeskError):
        message = _(exc.message)
        return message.format(**exc.params) if exc.params else message
    if isinstance(exc, ResourceMissing):
        return str(exc)
    if isinstance(exc, ImportError) and exc.name:  # a module missing from the bundle
        return f"{type(exc).__name__}: {exc.name}"
    return type(exc).__name__


# -- the steps -------------------------------------------------------------------------------
def step_resources(state: _State) -> str:
    """The shipped files load: code lists, the routine, fonts, catalogs and the icon."""
    from vbedesk.routine import load_shipped
    from vbedesk.taxonomy import load_taxonomies

    load_taxonomies()
    load_shipped()
    for parts in (
        ("fonts", "Vera.ttf"),
        ("locale", "sv", "LC_MESSAGES", "vbedesk.po"),
        ("icons", "vbedesk-256.png"),
        ("demo", "plan_2021.toml"),
    ):
        resource_path(*parts)
    return ""


def step_create_vault(state: _State) -> str:
    from vbedesk.storage import access
    from vbedesk.storage.keys import KdfParams

    state.service, _recovery = access.create(
        state.folder / "vault", SELFTEST_PASSPHRASE, kdf=KdfParams.insecure_for_tests()
    )
    return _("fast key derivation for this throwaway vault")


def step_incident(state: _State) -> str:
    """Write one incident, lock the vault, open it again and read the incident back."""
    from vbedesk.model import Incident
    from vbedesk.storage import access

    written = Incident(
        received_on=date(2021, 3, 2),
        incident_types=frozenset({"KLISTERMARKEN"}),
        environment="HOGER",
    )
    saved = _service(state).incidents.add(written).incident
    state.incident_id = saved.id
    state.service.close()
    state.service = access.open_with_passphrase(state.folder / "vault", SELFTEST_PASSPHRASE)
    read = state.service.incidents.get(saved.id)
    if (read.received_on, read.incident_types, read.environment) != (
        written.received_on,
        written.incident_types,
        written.environment,
    ):
        raise VbedeskError(N_("The incident read back differs from the one written."))
    return ""


def step_pdf(state: _State) -> str:
    """Build the anonymised incident report (a PDF) and read it back with pypdf."""
    import io

    from pypdf import PdfReader

    from vbedesk.reports.catalog import Kind, Request, build

    if state.incident_id is None:
        raise VbedeskError(N_("Not run: an earlier step failed."))
    output = build(
        _service(state), Request(Kind.INCIDENT, item_id=state.incident_id), created=date.today()
    )
    pages = len(PdfReader(io.BytesIO(output.data)).pages)
    if not output.data.startswith(b"%PDF") or pages < 1:
        raise VbedeskError(N_("The report is not a readable PDF."))
    return _("PDF of {kb} kB").format(kb=max(1, len(output.data) // 1024))


def step_backup(state: _State) -> str:
    """Write an encrypted backup, then verify it completely as ``backup verify`` does."""
    from vbedesk.storage.keys import KdfParams
    from vbedesk.storage.services.backups import verify_file

    path = state.folder / "selftest.vbdk"
    kdf = KdfParams.insecure_for_tests()
    _service(state).backups.create(path, SELFTEST_PASSPHRASE, kdf=kdf)
    manifest = verify_file(path, SELFTEST_PASSPHRASE)
    if manifest.counts.get("incident") != 1:
        raise VbedeskError(N_("The backup does not hold the incident."))
    return ""


def step_window(state: _State) -> str:
    from vbedesk.ui.smoke import open_and_close_main_window

    pages = open_and_close_main_window(_service(state), state.folder)
    return _("pages shown: {n}").format(n=pages)


#: (title, step); a step raises on failure and returns a short detail. Later steps that
#: need an earlier one's result fail too when it failed, each with its own line.
STEPS: tuple[tuple[str, Callable[[_State], str]], ...] = (
    (N_("Resources (code lists, routine, fonts, catalogs, icon)"), step_resources),
    (N_("Create a temporary vault"), step_create_vault),
    (N_("Write and read an incident"), step_incident),
    (N_("Generate a PDF report"), step_pdf),
    (N_("Write and verify a backup"), step_backup),
    (N_("Open and close the main window"), step_window),
)


def run(out: TextIO, *, base: Path | None = None) -> list[Outcome]:
    """Run every step, print one line each to ``out``; the temporary folder is removed."""
    folder = Path(tempfile.mkdtemp(prefix="vbedesk-selftest-", dir=base))
    state = _State(folder)
    try:
        for title, step in STEPS:
            try:
                detail = step(state)
                outcome = Outcome(_(title), True, detail)
            except Exception as exc:  # every failure is a line, never a traceback
                outcome = Outcome(_(title), False, _describe(exc))
            state.outcomes.append(outcome)
            mark = _("ok") if outcome.ok else _("FAILED")
            line = f"  {mark:<8} {outcome.title}"
            print(line + (f" ({outcome.detail})" if outcome.detail else ""), file=out, flush=True)
    finally:
        if state.service is not None and state.service.is_open:
            state.service.close()
        shutil.rmtree(folder, ignore_errors=True)
    removed = not folder.exists()
    state.outcomes.append(Outcome(_("Remove the temporary folder"), removed))
    mark = _("ok") if removed else _("FAILED")
    print(f"  {mark:<8} {_('Remove the temporary folder')}", file=out, flush=True)
    return state.outcomes
