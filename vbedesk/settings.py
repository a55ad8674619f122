"""The vault's settings, declared once: key, type, default, label and allowed values."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from vbedesk.errors import InputRefused
from vbedesk.i18n import N_


@dataclass(frozen=True)
class SettingSpec:
    key: str
    kind: type
    default: Any
    label: str
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[str, ...] = ()


SPECS: tuple[SettingSpec, ...] = (
    SettingSpec("district", str, "Hässelby-Vällingby", N_("District")),
    SettingSpec("retention_years", int, 5, N_("Retention period (years) before gallring"), 1, 30),
    SettingSpec(
        "small_cell_threshold", int, 3, N_("Small-cell threshold in shared statistics"), 1, 20
    ),
    SettingSpec("autolock_minutes", int, 5, N_("Auto-lock after idle minutes"), 1, 30),
    SettingSpec("language", str, "sv", N_("Language"), choices=("sv", "en")),
    SettingSpec("t1_end", str, "04-30", N_("End of period T1 (MM-DD)")),
    SettingSpec("t2_end", str, "08-31", N_("End of period T2 (MM-DD)")),
    SettingSpec("backup_generations", int, 10, N_("Automatic backups to keep"), 1, 100),
    SettingSpec("backup_folder", str, "", N_("Backup folder")),
    SettingSpec("auto_backup", bool, False, N_("Automatic backup when the program closes")),
)
SPEC_BY_KEY = {spec.key: spec for spec in SPECS}


@dataclass(frozen=True)
class Settings:
    district: str = "Hässelby-Vällingby"
    retention_years: int = 5
    small_cell_threshold: int = 3
    autolock_minutes: int = 5
    language: str = "sv"
    t1_end: str = "04-30"
    t2_end: str = "08-31"
    backup_generations: int = 10
    #: Empty: the default folder beside the vault (``storage.backup.default_backup_dir``).
    backup_folder: str = ""
    auto_backup: bool = False

    @classmethod
    def from_mapping(cls, values: dict[str, Any]) -> Settings:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in known})


def validate_setting(key: str, value: object) -> Any:
    """The value converted to the setting's type, or ``InputRefused`` naming the setting."""
    spec = SPEC_BY_KEY.get(key)
    if spec is None:
        raise InputRefused(N_("Unknown setting {key!r}."), key=key[:40])
    try:
        if spec.kind is bool:
            if not isinstance(value, bool):
                raise InputRefused(N_("Setting {key} must be on or off."), key=key)
            converted: Any = value
        elif spec.kind is int:
            if isinstance(value, bool):
                raise ValueError
            converted = int(str(value).strip())
        else:
            converted = str(value).strip()
    except ValueError:
        raise InputRefused(N_("Setting {key} needs a whole number."), key=key) from None
    if spec.minimum is not None and converted < spec.minimum:
        raise InputRefused(
            N_("Setting {key} must be between {low} and {high}."),
            key=key,
            low=spec.minimum,
            high=spec.maximum,
        )
    if spec.maximum is not None and converted > spec.maximum:
        raise InputRefused(
            N_("Setting {key} must be between {low} and {high}."),
            key=key,
            low=spec.minimum,
            high=spec.maximum,
        )
    if spec.choices and converted not in spec.choices:
        raise InputRefused(
            N_("Setting {key} must be one of {choices}."), key=key, choices=", ".join(spec.choices)
        )
    if key in ("t1_end", "t2_end"):
        _check_month_day(key, converted)
    if key == "district" and not (1 <= len(converted) <= 100):
        raise InputRefused(N_("Setting {key} must be 1 to 100 characters."), key=key)
    if key == "backup_folder" and len(converted) > 1000:
        raise InputRefused(N_("Setting {key} must be at most 1000 characters."), key=key)
    return converted


def _check_month_day(key: str, value: str) -> None:
    from datetime import date

    try:
        month, day = (int(part) for part in value.split("-"))
        date(2021, month, day)
    except ValueError:
        raise InputRefused(N_("Setting {key} must be a date as MM-DD."), key=key) from None
