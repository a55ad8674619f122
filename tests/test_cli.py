"""The command line as a user runs it: real child processes, exit codes and messages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import PASSPHRASE, DemoVault, run_cli, snapshot

OK, UNEXPECTED, USAGE, REFUSED, CRYPTO, IN_USE = 0, 1, 2, 3, 4, 5


def _env(**extra: str) -> dict[str, str]:
    return {"VBEDESK_PASSPHRASE": PASSPHRASE, "LANG": "en_GB.UTF-8", **extra}


def test_version_and_help() -> None:
    result = run_cli("--version")
    assert result.returncode == OK and result.stdout.startswith("vbedesk ")
    assert run_cli("--help").returncode == OK


def test_unknown_command_is_a_usage_error() -> None:
    assert run_cli("frobnicate").returncode == USAGE


def test_init_prints_the_recovery_key_once_and_refuses_weak_passphrases(tmp_path: Path) -> None:
    target = tmp_path / "v"
    weak = run_cli("--vault", str(target), "init", env=_env(VBEDESK_PASSPHRASE="short"))
    assert weak.returncode == REFUSED
    assert "12 characters" in weak.stderr
    assert not target.exists()
    result = run_cli("--vault", str(target), "init", env=_env())
    assert result.returncode == OK, result.stderr
    key_lines = [line.strip() for line in result.stdout.splitlines() if line.count("-") == 10]
    assert len(key_lines) == 1
    again = run_cli("--vault", str(target), "init", env=_env())
    assert again.returncode == REFUSED


def test_no_passphrase_and_no_terminal_is_a_clear_error(demo_vault: DemoVault) -> None:
    result = run_cli("--vault", str(demo_vault.folder), "info")
    assert result.returncode == USAGE
    assert "VBEDESK_PASSPHRASE" in result.stderr
    assert "Traceback" not in result.stderr


def test_passphrase_file(demo_vault: DemoVault, tmp_path: Path) -> None:
    secret = tmp_path / "pass.txt"
    secret.write_text(PASSPHRASE + "\n", encoding="utf-8")
    result = run_cli(
        "--vault",
        str(demo_vault.folder),
        "--passphrase-file",
        str(secret),
        "info",
        env={"LANG": "en_GB.UTF-8"},
    )
    assert result.returncode == OK, result.stderr
    assert "Incidents: 80" in result.stdout


def test_swedish_is_the_default_language(demo_vault: DemoVault) -> None:
    result = run_cli(
        "--vault", str(demo_vault.folder), "info", env={"VBEDESK_PASSPHRASE": PASSPHRASE}
    )
    assert result.returncode == OK
    assert "Händelser: 80" in result.stdout
    wrong = run_cli(
        "--vault", str(demo_vault.folder), "info", env={"VBEDESK_PASSPHRASE": "fel lösenfras"}
    )
    assert wrong.returncode == CRYPTO
    assert "Fel lösenfras" in wrong.stderr


@pytest.mark.parametrize(
    "argv",
    [
        ["info"],
        ["check"],
        ["incident", "list"],
        ["incident", "show", "1"],
        ["passphrase"],
        ["backup", "create", "--out", "OUT"],
    ],
)
def test_wrong_passphrase_at_every_entry_point(
    demo_vault: DemoVault, tmp_path: Path, argv: list[str]
) -> None:
    argv = [str(tmp_path / "b.vbdk") if a == "OUT" else a for a in argv]
    before = snapshot(demo_vault.folder)
    result = run_cli(
        "--vault",
        str(demo_vault.folder),
        *argv,
        env=_env(
            VBEDESK_PASSPHRASE="not the passphrase",
            VBEDESK_NEW_PASSPHRASE="whatever new passphrase",
            VBEDESK_BACKUP_PASSPHRASE="backup passphrase long",
        ),
    )
    assert result.returncode == CRYPTO, result.stderr
    assert "Wrong passphrase" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(demo_vault.folder) == before
    assert not (tmp_path / "b.vbdk").exists()


def test_incident_add_show_and_list(demo_vault: DemoVault, tmp_path: Path) -> None:
    base = ["--vault", str(demo_vault.folder)]
    smallest = (
        '{"received_on": "2021-03-02", "incident_types": ["KLISTERMARKEN"], "environment": "HOGER"}'
    )
    result = run_cli(*base, "incident", "add", "-", env=_env(), stdin=smallest)
    assert result.returncode == OK, result.stderr
    new_id = int(result.stdout.split()[-1].rstrip("."))
    shown = run_cli(*base, "incident", "show", str(new_id), "--format", "json", env=_env())
    data = json.loads(shown.stdout)
    assert data["incident_types"] == ["KLISTERMARKEN"] and data["environment"] == "HOGER"
    text = run_cli(*base, "incident", "show", str(new_id), env=_env(LANG="sv_SE.UTF-8"))
    assert "Klistermärken" in text.stdout or "klistermärken" in text.stdout.lower()
    listed = run_cli(*base, "incident", "list", "--year", "2021", "--format", "json", env=_env())
    assert new_id in [row["id"] for row in json.loads(listed.stdout)]
    as_csv = run_cli(*base, "incident", "list", "--format", "csv", env=_env())
    assert (
        as_csv.stdout.splitlines()[0].startswith("received_on")
        or "received_on" in as_csv.stdout.splitlines()[0]
    )
    table = run_cli(*base, "incident", "list", env=_env())
    assert "81 incidents" in table.stdout
    missing = run_cli(*base, "incident", "show", "99999", env=_env())
    assert missing.returncode == REFUSED


@pytest.mark.parametrize(
    ("payload", "needle"),
    [
        (
            '{"received_on": "2021-03-02", "incident_types": ["NOPE"], "environment": "HOGER"}',
            "NOPE",
        ),
        (
            '{"received_on": "2021-02-30", "incident_types": ["HOT"], "environment": "HOGER"}',
            "received_on",
        ),
        ('{"incident_types": ["HOT"], "environment": "HOGER"}', "received_on"),
        ("not json", "JSON"),
        ("[1, 2]", "JSON object"),
    ],
)
def test_incident_add_refuses_bad_input(demo_vault: DemoVault, payload: str, needle: str) -> None:
    before_count = run_cli("--vault", str(demo_vault.folder), "info", env=_env()).stdout
    result = run_cli(
        "--vault", str(demo_vault.folder), "incident", "add", env=_env(), stdin=payload
    )
    assert result.returncode == REFUSED
    assert needle in result.stderr
    after_count = run_cli("--vault", str(demo_vault.folder), "info", env=_env()).stdout
    assert "Incidents: 80" in before_count and "Incidents: 80" in after_count


def test_incident_add_with_personnummer_needs_accept(demo_vault: DemoVault) -> None:
    payload = json.dumps(
        {
            "received_on": "2021-03-02",
            "incident_types": ["HOT"],
            "environment": "HOGER",
            "description": "Hotet kom från 19811218-9876 enligt chefen.",
        }
    )
    base = ["--vault", str(demo_vault.folder), "incident", "add"]
    refused = run_cli(*base, env=_env(), stdin=payload)
    assert refused.returncode == REFUSED
    assert "personnummer" in refused.stderr and "line 1, column" in refused.stderr
    assert "9876" not in refused.stderr
    accepted = run_cli(*base, "--accept-findings", env=_env(), stdin=payload)
    assert accepted.returncode == OK, accepted.stderr


def test_incident_import_jsonl_and_csv_all_or_nothing(
    demo_vault: DemoVault, tmp_path: Path
) -> None:
    base = ["--vault", str(demo_vault.folder), "incident", "import"]
    good = tmp_path / "good.jsonl"
    good.write_text(
        "\n".join(
            json.dumps(
                {
                    "received_on": f"2021-04-{d:02d}",
                    "incident_types": ["KLOTTER"],
                    "environment": "VANSTER",
                }
            )
            for d in range(1, 4)
        ),
        encoding="utf-8",
    )
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        good.read_text()
        + '\n{"received_on": "2021-04-09", "incident_types": ["X"], "environment": "HOGER"}\n'
    )
    refused = run_cli(*base, str(bad), env=_env())
    assert refused.returncode == REFUSED and "4" in refused.stderr
    assert "Incidents: 80" in run_cli("--vault", str(demo_vault.folder), "info", env=_env()).stdout
    assert run_cli(*base, str(good), env=_env()).returncode == OK
    csv_file = tmp_path / "more.csv"
    csv_file.write_text(
        "received_on,incident_types,environment,area\n2021-05-01,AFFISCHER;KLOTTER,ISLAMISTISK,GRIMSTA\n",
        encoding="utf-8",
    )
    assert run_cli(*base, str(csv_file), env=_env()).returncode == OK
    assert "Incidents: 84" in run_cli("--vault", str(demo_vault.folder), "info", env=_env()).stdout
    nonutf = tmp_path / "latin1.csv"
    nonutf.write_bytes(
        "received_on,incident_types,environment\n2021-05-01,HOT,HÖGER\n".encode("latin-1")
    )
    assert run_cli(*base, str(nonutf), env=_env()).returncode == REFUSED


def test_scan_text_exit_codes(tmp_path: Path, seed_text: str) -> None:
    clean = run_cli("scan-text", "-", stdin=seed_text, env={"LANG": "en_GB.UTF-8"})
    assert clean.returncode == OK, clean.stdout
    dirty = run_cli(
        "scan-text",
        "-",
        stdin="rad ett\nring 070-123 45 67 eller mejla a.b@example.se\n",
        env={"LANG": "en_GB.UTF-8"},
    )
    assert dirty.returncode == REFUSED
    lines = [line.split("\t") for line in dirty.stdout.splitlines() if "\t" in line]
    assert [row[0] for row in lines] == ["2:6", "2:32"]
    assert "070" not in dirty.stdout and "example" not in dirty.stdout


def test_check_reports_damage_with_exit_4(demo_vault: DemoVault) -> None:
    db = demo_vault.folder / "vault.db"
    raw = bytearray(db.read_bytes())
    middle = (len(raw) // 4096 // 2) * 4096 + 2000
    raw[middle] ^= 0x01
    db.write_bytes(bytes(raw))
    result = run_cli("--vault", str(demo_vault.folder), "check", env=_env())
    assert result.returncode == CRYPTO, result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_check_passes_on_a_sound_vault(demo_vault: DemoVault) -> None:
    result = run_cli("--vault", str(demo_vault.folder), "check", env=_env())
    assert result.returncode == OK, result.stderr
    assert "chain intact" in result.stdout


def test_vault_in_use_is_exit_5(demo_vault: DemoVault) -> None:
    from vbedesk.storage.vault import Vault

    with Vault.open(demo_vault.folder, passphrase=PASSPHRASE):
        result = run_cli("--vault", str(demo_vault.folder), "info", env=_env())
    assert result.returncode == IN_USE
    assert "another" in result.stderr


def test_passphrase_change_and_recovery_via_cli(demo_vault: DemoVault) -> None:
    base = ["--vault", str(demo_vault.folder)]
    changed = run_cli(*base, "passphrase", env=_env(VBEDESK_NEW_PASSPHRASE="the second passphrase"))
    assert changed.returncode == OK, changed.stderr
    assert run_cli(*base, "info", env=_env()).returncode == CRYPTO
    assert (
        run_cli(*base, "info", env=_env(VBEDESK_PASSPHRASE="the second passphrase")).returncode
        == OK
    )
    recovered = run_cli(
        *base,
        "passphrase",
        "--recovery-key",
        env=_env(
            VBEDESK_RECOVERY_KEY=demo_vault.recovery_key,
            VBEDESK_NEW_PASSPHRASE="the third passphrase",
        ),
    )
    assert recovered.returncode == OK, recovered.stderr
    assert (
        run_cli(*base, "info", env=_env(VBEDESK_PASSPHRASE="the third passphrase")).returncode == OK
    )
    typo = run_cli(
        *base,
        "passphrase",
        "--recovery-key",
        env=_env(VBEDESK_RECOVERY_KEY="0000-1111", VBEDESK_NEW_PASSPHRASE="the fourth passphrase"),
    )
    assert typo.returncode == REFUSED
    # Both changes went through the service, which audits them; the refused one did not.
    from vbedesk.storage.service import VaultService
    from vbedesk.storage.vault import Vault

    service = VaultService(Vault.open(demo_vault.folder, passphrase="the third passphrase"))
    try:
        actions = [entry.action for entry in service.audit_entries(limit=10)]
    finally:
        service.close()
    assert actions.count("vault.passphrase") == 2


@pytest.mark.parametrize(
    ("argv", "code"),
    [
        (["info"], OK),
        (["incident", "show", "99999"], REFUSED),  # refused inside the open vault
        (["incident", "import", "EMPTY"], REFUSED),  # refused after the vault opened
        (["passphrase"], USAGE),  # no new passphrase: refused while the vault is open
        (["caselog", "list"], OK),
        (["form", "import", "EMPTY"], REFUSED),
    ],
)
def test_every_command_closes_the_vault_it_opened(
    demo_vault: DemoVault,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    code: int,
) -> None:
    """In one process, as the tests and a script run it: the vault's lock is free again.

    A second open in the same process takes the OS lock on a new handle, so a vault left
    open by a command would be "in use" here.
    """
    from vbedesk import cli
    from vbedesk.storage.vault import Vault

    empty = tmp_path / "empty.csv"
    empty.write_text("received_on,incident_types,environment\n", encoding="utf-8")
    argv = [str(empty) if a == "EMPTY" else a for a in argv]
    monkeypatch.setenv("VBEDESK_PASSPHRASE", PASSPHRASE)
    monkeypatch.delenv("VBEDESK_NEW_PASSPHRASE", raising=False)
    assert cli.main(["--lang", "en", "--vault", str(demo_vault.folder), *argv]) == code
    assert "Traceback" not in capsys.readouterr().err
    Vault.open(demo_vault.folder, passphrase=PASSPHRASE).close()


def test_demo_command_creates_then_reopens(tmp_path: Path) -> None:
    target = tmp_path / "demo"
    first = run_cli("--vault", str(target), "demo", env={"LANG": "en_GB.UTF-8"})
    assert first.returncode == OK, first.stderr
    assert "vbedesk-demo-2021" in first.stdout
    assert "Incidents: 80" in first.stdout and "Activities: 16" in first.stdout
    second = run_cli("--vault", str(target), "demo", env={"LANG": "en_GB.UTF-8"})
    assert second.returncode == OK and "already exists" in second.stdout
    custom = run_cli(
        "--vault",
        str(tmp_path / "d2"),
        "demo",
        env={"LANG": "en_GB.UTF-8", "VBEDESK_PASSPHRASE": "my own demo passphrase"},
    )
    assert "my own demo passphrase" in custom.stdout


def test_demo_open_without_a_display_prints_the_summary_and_says_why(
    demo_vault: DemoVault,
) -> None:
    env = {k: "" for k in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["VBEDESK_PASSPHRASE"] = demo_vault.passphrase
    result = run_cli("--lang", "en", "--vault", str(demo_vault.folder), "demo", "--open", env=env)
    assert "Passphrase of the demo vault" in result.stdout
    assert "The window cannot start here (no display)" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.returncode != 0
