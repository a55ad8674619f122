"""Creating vaults: a new empty vault with the shipped reference data, and the demo vault."""

from __future__ import annotations

from pathlib import Path

from vbedesk import demo
from vbedesk.errors import InputRefused
from vbedesk.i18n import N_
from vbedesk.passphrase import passphrase_problems
from vbedesk.routine import shipped_content
from vbedesk.storage.keys import KdfParams
from vbedesk.storage.service import VaultService
from vbedesk.storage.vault import Vault

DEMO_PASSPHRASE = "vbedesk-demo-2021"  # noqa: S105 - printed on purpose: synthetic data


class WeakPassphrase(InputRefused):
    message = N_("The passphrase is too weak: {reasons}")


def check_passphrase(passphrase: str) -> None:
    from vbedesk.i18n import _

    problems = passphrase_problems(passphrase)
    if problems:
        raise WeakPassphrase(reasons=" ".join(_(p) for p in problems))


def create_vault(
    folder: Path, passphrase: str, *, kdf: KdfParams | None = None
) -> tuple[VaultService, str]:
    """A new vault with contacts and legal references; returns its service and recovery key."""
    check_passphrase(passphrase)
    vault, recovery = Vault.create(folder, passphrase, kdf=kdf)
    service = VaultService(vault)
    try:
        service.contacts.add_many(demo.contacts())
        service.legal.add_many(demo.legal_references())
        for unit in demo.units():
            service.training.add_unit(unit)
        for course in demo.courses():
            service.training.add_course(course)
        service.routines.load(shipped_content())  # the routine in use, kept from the start
    except BaseException:
        vault.close()
        raise
    return service, recovery


def create_demo_vault(
    folder: Path, passphrase: str = DEMO_PASSPHRASE, *, kdf: KdfParams | None = None
) -> tuple[VaultService, str]:
    """A vault filled from the 2021 plan and about 80 synthetic incidents (marked as demo)."""
    service, recovery = create_vault(folder, passphrase, kdf=kdf)
    try:
        plan = demo.plan_2021()
        service.plans.create(plan.year, draft=plan)
        for count in demo.training_counts():
            service.training.add_count(count)
        service.incidents.import_many(demo.synthetic_incidents(), source="demo")
    except BaseException:
        service.vault.close()
        raise
    return service, recovery
