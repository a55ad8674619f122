"""What the settings page does, over real vaults and without a widget (settings_presenter)."""

from __future__ import annotations

from pathlib import Path

import pytest

from vbedesk.errors import InputRefused
from vbedesk.routine import RoutineInvalid, shipped_content
from vbedesk.settings import Settings
from vbedesk.storage.secrets import KeyringStore
from vbedesk.storage.service import VaultService
from vbedesk.ui.pages.settings_presenter import MAX_ROUTINE_FILE, SettingsPresenter


def _values(settings: Settings, **changes: object) -> dict[str, object]:
    keys = (
        "district",
        "autolock_minutes",
        "retention_years",
        "small_cell_threshold",
        "language",
        "backup_folder",
        "backup_generations",
    )
    values: dict[str, object] = {key: getattr(settings, key) for key in keys}
    values.update(changes)
    return values


def test_each_changed_setting_is_saved_on_its_own(
    service: VaultService, memory_store: KeyringStore
) -> None:
    presenter = SettingsPresenter(service, memory_store)
    before = presenter.settings()
    unchanged = presenter.save(_values(before, district=f"  {before.district} "))
    assert unchanged.ok and unchanged.saved == 0  # surrounding blanks are no change

    outcome = presenter.save(_values(before, district="   ", autolock_minutes=12))
    assert not outcome.ok and set(outcome.refused) == {"district"}
    assert "1 to 100 characters" in str(outcome.refused["district"])
    assert outcome.saved == 1 and outcome.settings.autolock_minutes == 12
    assert service.settings().autolock_minutes == 12  # kept although the district was not
    assert service.settings().district == before.district

    fixed = presenter.save(_values(outcome.settings, district="Rinkeby-Kista"))
    assert fixed.ok and fixed.saved == 1
    assert service.settings().district == "Rinkeby-Kista"


def test_a_revised_routine_is_validated_before_it_is_used(
    service: VaultService, memory_store: KeyringStore, tmp_path: Path
) -> None:
    presenter = SettingsPresenter(service, memory_store)
    assert presenter.active_routine().version == "2025.1"
    path = tmp_path / "rutin.toml"
    looping = shipped_content().replace('version = "2025.1"', 'version = "2026.9"')
    path.write_text(looping.replace('next = "N6"', 'next = "N1"'), encoding="utf-8")
    with pytest.raises(RoutineInvalid) as refused:
        presenter.load_routine_file(path)
    assert any("loops back" in p.text() for p in refused.value.problems)

    for name, content, why in (
        ("binary.toml", b"\xff\xfe\x00garbage", "UTF-8"),
        ("big.toml", b"#" * (MAX_ROUTINE_FILE + 1), "too large"),
    ):
        other = tmp_path / name
        other.write_bytes(content)
        with pytest.raises(InputRefused, match=why):
            presenter.load_routine_file(other)
    with pytest.raises(InputRefused, match="UTF-8"):
        presenter.load_routine_file(tmp_path / "saknas.toml")
    assert presenter.active_routine().version == "2025.1"

    path.write_text(shipped_content().replace('"2025.1"', '"2026.1"'), encoding="utf-8")
    assert presenter.load_routine_file(path).version == "2026.1"
    assert presenter.active_routine().version == "2026.1"


def test_the_key_is_remembered_and_forgotten_in_a_secure_keyring(
    service: VaultService, memory_store: KeyringStore
) -> None:
    presenter = SettingsPresenter(service, memory_store)
    state = presenter.keyring()
    assert state.available and not state.remembered and state.reason
    presenter.set_remembered(True)
    assert presenter.keyring().remembered
    assert memory_store.get(service.vault_id) is not None
    presenter.set_remembered(False)
    assert not presenter.keyring().remembered


def test_without_a_secure_keyring_nothing_is_remembered(
    service: VaultService, no_keyring: KeyringStore
) -> None:
    presenter = SettingsPresenter(service, no_keyring)
    state = presenter.keyring()
    assert not state.available and not state.remembered
    assert "No secure keyring" in state.reason
    with pytest.raises(InputRefused):
        presenter.set_remembered(True)
