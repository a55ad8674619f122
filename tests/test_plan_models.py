"""The plan, follow-up, training and contact table models over a real demo vault, no widgets."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from tests.conftest import PASSPHRASE, DemoVault
from vbedesk.demo import plan_2021
from vbedesk.model import Contact, FollowUp, LegalReference, Period, TrainingCount
from vbedesk.storage.service import VaultService
from vbedesk.storage.vault import Vault
from vbedesk.ui.models.contacts_models import ContactsModel, LegalReferencesModel
from vbedesk.ui.models.plan_models import FollowUpModel, PlanTableModel, load_plan_lines
from vbedesk.ui.models.training_models import TrainingCountModel, format_share

VB_2021 = Period.parse("VB 2021")


@pytest.fixture
def demo(demo_vault: DemoVault) -> Iterator[VaultService]:
    with Vault.open(demo_vault.folder, passphrase=PASSPHRASE) as vault:
        yield VaultService(vault)


def _plan_model(svc: VaultService, period: Period = VB_2021) -> PlanTableModel:
    model = PlanTableModel.for_service(svc)
    (plan,) = svc.plans.all()
    model.set_rows(load_plan_lines(svc, plan.id or 0, period))
    return model


def test_the_plan_model_shows_four_sections_with_the_vaults_texts(demo: VaultService) -> None:
    model = _plan_model(demo)
    sizes = model.section_sizes()
    assert [n for _, n in sizes] == [7, 5, 2, 2]
    assert model.columnCount() == 5
    assert model.rowCount() == 4 + 16
    shipped = plan_2021()
    assert [t for t, _ in sizes] == [s.title for s in shipped.sections]
    expected = [
        (a.text, a.responsible, a.timeline, a.followup)
        for s in shipped.sections
        for a in s.activities
    ]
    shown = [
        tuple(model.text(r, c) for c in range(4))
        for r, line in enumerate(model.rows())
        if not line.is_section
    ]
    assert shown == expected
    assert any("”Trygghetsplan för fritid”" in text for text, *_ in shown)
    # The activity without timeline or follow-up stays empty; nothing is invented.
    empty = [row for row in shown if row[2] == "" and row[3] == ""]
    assert len(empty) == 1 and empty[0][0].startswith("Alla medarbetare inom vuxenenheten")
    # Section rows carry the title in the first column only.
    assert model.text(0, PlanTableModel.COL_TEXT) == "Förebyggande aktiviteter"
    assert model.text(0, PlanTableModel.COL_RESPONSIBLE) == ""


def test_the_status_column_shows_the_latest_status_of_the_period(demo: VaultService) -> None:
    model = _plan_model(demo)
    row = next(r for r, line in enumerate(model.rows()) if not line.is_section)
    activity = model.rows()[row].activity
    assert activity is not None and activity.id is not None
    assert model.text(row, PlanTableModel.COL_STATUS) == ""
    demo.plans.add_followup(FollowUp(activity.id, VB_2021, "PAGAR", "startat", date(2021, 6, 1)))
    demo.plans.add_followup(FollowUp(activity.id, VB_2021, "GENOMFORD", "klart", date(2021, 12, 1)))
    demo.plans.add_followup(
        FollowUp(activity.id, Period.parse("T1 2021"), "UTGAR", "", date(2022, 1, 1))
    )
    model = _plan_model(demo)
    assert model.text(row, PlanTableModel.COL_STATUS) == "Done"  # English in tests
    assert _plan_model(demo, Period.parse("T1 2021")).text(row, 4) == "Dropped"
    assert _plan_model(demo, Period.parse("T2 2021")).text(row, 4) == ""
    history = FollowUpModel(
        demo.plans.followups(activity.id, VB_2021),
        lambda code: demo.taxonomies.activity_statuses.label(code, "en"),
    )
    assert [history.text(r, FollowUpModel.COL_COMMENT) for r in range(2)] == ["klart", "startat"]
    assert history.text(0, FollowUpModel.COL_STATUS) == "Done"
    assert history.text(0, FollowUpModel.COL_DATE) == "2021-12-01"


def test_training_model_shows_the_share_with_one_decimal() -> None:
    count = TrainingCount("U", "C", 20, 12, date(2021, 12, 31))
    model = TrainingCountModel([count], {"U": "Förskola"}, {"C": "Grundkurs"})
    assert model.text(0, TrainingCountModel.COL_SHARE) == "60.0 %"
    assert model.text(0, TrainingCountModel.COL_UNIT) == "Förskola"
    assert model.text(0, TrainingCountModel.COL_AS_OF) == "2021-12-31"
    assert format_share(TrainingCount("U", "C", 0, 0, date(2021, 1, 1))) == "–"
    assert format_share(TrainingCount("U", "C", 3, 1, date(2021, 1, 1))) == "33.3 %"


def test_contact_models_mark_the_unverified_and_grey_the_inactive() -> None:
    from PySide6.QtCore import Qt

    rows = [
        Contact("A", "Socialjouren", "08-1", verified_on=date(2024, 5, 2)),
        Contact("B", "Säpo", "010-2", note="Kan vara inaktuellt"),
        Contact(
            "C", "Gammal linje", "08-3", note="Nedlagd", active=False, verified_on=date(2020, 1, 1)
        ),
    ]
    model = ContactsModel(rows)
    assert model.text(0, ContactsModel.COL_VERIFIED) == "2024-05-02"
    assert model.text(1, ContactsModel.COL_VERIFIED) == "not verified"
    bg = Qt.ItemDataRole.BackgroundRole
    assert model.data(model.index(0, 0), bg) is None
    assert model.data(model.index(1, 0), bg) is not None
    assert "inactive" in model.text(2, ContactsModel.COL_NAME)
    assert model.text(2, ContactsModel.COL_NOTE) == "Nedlagd"
    assert model.data(model.index(2, 0), Qt.ItemDataRole.ForegroundRole) is not None
    refs = LegalReferencesModel([LegalReference("L", "OSL", "10 kap. 18 c §", verified=False)])
    assert refs.text(0, LegalReferencesModel.COL_VERIFIED) == "not verified"
    assert refs.data(refs.index(0, 1), bg) is not None
