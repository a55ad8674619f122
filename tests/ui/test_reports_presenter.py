"""What the Rapporter page decides, over real vaults and without a widget (reports_presenter)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import PASSPHRASE, DemoVault
from vbedesk.errors import InputRefused
from vbedesk.guard import IdentifiersFound
from vbedesk.model import Period
from vbedesk.reports.catalog import Kind, Request
from vbedesk.storage.service import VaultService
from vbedesk.storage.vault import Vault
from vbedesk.ui.pages.reports_presenter import (
    ANALYSIS_DRAFT,
    AnalysisText,
    Choice,
    default_years,
    export_file,
    export_request_for,
    export_target,
    register_rows,
)

VB_2021 = Period.parse("VB 2021")
PERSONNUMMER = "19811218-9876"


@pytest.fixture
def demo(demo_vault: DemoVault) -> Iterator[VaultService]:
    with Vault.open(demo_vault.folder, passphrase=PASSPHRASE) as vault:
        yield VaultService(vault)


def _choice(kind: Kind) -> Choice:
    return Choice(kind=kind, period=VB_2021, year=2020, incident_id=7, form_language="en")


def test_a_choice_asks_the_catalog_for_its_own_options_only() -> None:
    assert _choice(Kind.FOLLOWUP).request() == Request(Kind.FOLLOWUP, period=VB_2021)
    assert _choice(Kind.LAGESBILD).request() == Request(Kind.LAGESBILD, year=2020)
    assert _choice(Kind.INCIDENT).request() == Request(Kind.INCIDENT, item_id=7)
    assert _choice(Kind.BLANK_FORM).request() == Request(Kind.BLANK_FORM, form_language="en")
    assert _choice(Kind.TRAINING).request() == Request(Kind.TRAINING)


def test_only_the_followup_and_the_lagesbild_have_a_spreadsheet() -> None:
    followup = _choice(Kind.FOLLOWUP).export_request()
    assert followup == Request(Kind.FOLLOWUP_XLSX, period=VB_2021)
    assert _choice(Kind.LAGESBILD).export_request() == Request(Kind.STATISTICS_XLSX, year=2020)
    for kind in (Kind.TRAINING, Kind.INCIDENT, Kind.BLANK_FORM):
        assert _choice(kind).export_request() is None

    target = export_target(followup)
    assert (target.suggested, target.kinds) == ("uppfoljning-VB-2021.xlsx", ("xlsx", "csv"))
    assert "VB 2021" in target.what
    statistics = export_target(Request(Kind.STATISTICS_XLSX, year=2020))
    assert (statistics.suggested, statistics.kinds) == ("statistik-2020.xlsx", ("xlsx",))

    # A follow-up saved under a .csv name is built as CSV; nothing else changes format.
    assert export_request_for(followup, Path("u.CSV")) == Request(Kind.FOLLOWUP_CSV, period=VB_2021)
    assert export_request_for(followup, Path("u.xlsx")) == followup
    stats = Request(Kind.STATISTICS_XLSX, year=2020)
    assert export_request_for(stats, Path("s.csv")) == stats


def test_default_years_are_the_newest_plan_and_the_newest_incident(
    demo: VaultService, service: VaultService
) -> None:
    newest = max(i.received_on.year for i in demo.incidents.list_full())
    assert default_years(demo) == (2021, newest)
    assert default_years(service) == (None, None)  # an empty vault: the page keeps this year


def test_a_followup_exported_as_csv_is_written_and_registered(
    demo: VaultService, tmp_path: Path
) -> None:
    request = _choice(Kind.FOLLOWUP).export_request()
    assert request is not None
    target = tmp_path / "uppfoljning.csv"
    entry_id = export_file(demo, target, request, "Nämnden", "Uppföljning")
    [entry] = register_rows(demo)
    assert (entry.id, entry.kind, entry.recipient) == (entry_id, "csv", "Nämnden")
    assert entry.path == str(target.resolve())
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")  # CSV for Excel, not a workbook
    # Never over an existing file; the register is untouched.
    with pytest.raises(InputRefused):
        export_file(demo, target, request, "", "")
    assert len(register_rows(demo)) == 1


def test_the_analysis_is_saved_and_its_draft_kept_per_year(service: VaultService) -> None:
    analysis = AnalysisText(service)
    assert analysis.load(2021, "") == analysis.load(2021, "")
    assert analysis.load(2021, "").text == "" and not analysis.is_dirty("")
    analysis.save("Lugnt år.", year=1999)  # the loaded year wins over the fallback
    assert service.situation.analysis(2021) == "Lugnt år."
    assert service.situation.analysis(1999) == ""
    assert not analysis.is_dirty("Lugnt år.") and analysis.is_dirty("Lugnt år. Mer")

    # Another year while text is unsaved: the text stays as a draft of its own year.
    loaded = analysis.load(2022, "Lugnt år. Halvfärdigt")
    assert (loaded.text, loaded.from_draft) == ("", False)
    assert [(d.ref, d.payload) for d in service.drafts.all(ANALYSIS_DRAFT)] == [
        ("2021", {"text": "Lugnt år. Halvfärdigt"})
    ]
    analysis.keep_draft("")  # nothing unsaved in 2022: no draft
    assert len(service.drafts.all(ANALYSIS_DRAFT)) == 1
    back = analysis.load(2021, "")
    assert (back.text, back.from_draft) == ("Lugnt år. Halvfärdigt", True)
    assert analysis.saved == "Lugnt år."

    # Saving drops the year's draft.
    analysis.save(back.text, year=2021)
    assert service.drafts.all(ANALYSIS_DRAFT) == []
    assert service.situation.analysis(2021) == "Lugnt år. Halvfärdigt"


def test_before_any_year_is_loaded_the_fallback_year_is_saved(service: VaultService) -> None:
    analysis = AnalysisText(service)
    analysis.keep_draft("Text")  # no year yet: nothing to keep it under
    assert service.drafts.all(ANALYSIS_DRAFT) == []
    analysis.save("Text", year=2020)
    assert service.situation.analysis(2020) == "Text"
    assert analysis.year is None


def test_a_flagged_analysis_is_kept_only_when_accepted(service: VaultService) -> None:
    analysis = AnalysisText(service)
    analysis.load(2021, "")
    text = f"Gäller {PERSONNUMMER}."
    with pytest.raises(IdentifiersFound):
        analysis.save(text, year=2021)
    assert service.situation.analysis(2021) == "" and analysis.is_dirty(text)
    analysis.save(text, year=2021, accept_findings=True)
    assert service.situation.analysis(2021) == text and not analysis.is_dirty(text)
