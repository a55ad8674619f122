"""Tests of 'remember on this computer': the data key in a secure OS keyring, or nowhere."""

from __future__ import annotations

import base64
import importlib
import logging

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail, null
from keyring.backends.chainer import ChainerBackend
from keyring.compat.properties import classproperty
from keyring.errors import KeyringError, PasswordDeleteError

from vbedesk.errors import InputRefused
from vbedesk.storage.secrets import (
    NO_SECURE_KEYRING,
    SECURE_BACKENDS,
    KeyringStore,
    SecretStoreUnavailable,
    backend_name,
)

VAULT = "3b0f6a52-1111-4222-8333-444455556666"
KEY = bytes(range(100, 132))


class _TestBackend(KeyringBackend):
    """Base of the test backends: not viable, so keyring's own detection never picks one."""

    @classproperty
    def priority(cls) -> float:
        raise RuntimeError("test backend only")


class MemoryKeyring(_TestBackend):
    """A tiny in-memory keyring."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.data.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.data[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        try:
            del self.data[(service, username)]
        except KeyError:
            raise PasswordDeleteError("not found") from None


class PlaintextKeyring(MemoryKeyring):
    """Stands in for keyrings.alt's plaintext file keyring: works, but is not allowed."""


class LeakyBrokenKeyring(MemoryKeyring):
    """Fails every call with an error whose text holds the stored value (worst case)."""

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringError(f"cannot read {self.data.get((service, username))!r}")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringError(f"cannot write {password!r}")

    def delete_password(self, service: str, username: str) -> None:
        raise KeyringError("cannot delete")


class ForgetfulKeyring(MemoryKeyring):
    """Accepts writes and silently drops them."""

    def set_password(self, service: str, username: str, password: str) -> None:
        pass


ALLOWED = frozenset({backend_name(MemoryKeyring())})


def _leaks(text: str) -> bool:
    forms = (
        base64.b64encode(KEY).decode(),
        KEY.hex(),
        repr(KEY),
        str(list(KEY)),
    )
    return any(form in text for form in forms)


def test_allow_list_names_exist_in_the_installed_keyring() -> None:
    for name in SECURE_BACKENDS:
        module, _, cls = name.rpartition(".")
        backend_class = getattr(importlib.import_module(module), cls)
        assert issubclass(backend_class, KeyringBackend)
        assert f"{backend_class.__module__}.{backend_class.__qualname__}" == name
    assert "keyring.backends.fail.Keyring" not in SECURE_BACKENDS
    assert "keyring.backends.null.Keyring" not in SECURE_BACKENDS
    assert "keyring.backends.chainer.ChainerBackend" not in SECURE_BACKENDS


def test_round_trip_on_an_allowed_backend() -> None:
    backend = MemoryKeyring()
    store = KeyringStore(backend, allowed=ALLOWED)
    assert store.is_available()
    assert store.describe() == f"Stored in the system keyring ({backend_name(backend)})."
    assert store.get(VAULT) is None
    store.set(VAULT, KEY)
    assert backend.data == {("vbedesk", VAULT): "v1:" + base64.b64encode(KEY).decode()}
    assert store.get(VAULT) == KEY
    assert store.get("another-vault") is None
    store.delete(VAULT)
    assert store.get(VAULT) is None
    assert backend.data == {}
    store.delete(VAULT)  # absent: silent


def test_set_validates_its_arguments() -> None:
    store = KeyringStore(MemoryKeyring(), allowed=ALLOWED)
    with pytest.raises(ValueError):
        store.set(VAULT, KEY[:16])
    with pytest.raises(ValueError):
        store.set("", KEY)


@pytest.mark.parametrize("backend_class", [fail.Keyring, null.Keyring])
def test_no_secure_keyring(backend_class: type[KeyringBackend]) -> None:
    store = KeyringStore(backend_class())
    assert not store.is_available()
    name = backend_name(backend_class())
    assert store.describe() == f"No secure keyring on this computer (backend: {name})."
    with pytest.raises(SecretStoreUnavailable) as info:
        store.set(VAULT, KEY)
    assert isinstance(info.value, InputRefused) and info.value.exit_code == 3
    assert not _leaks(str(info.value))
    assert store.get(VAULT) is None
    store.delete(VAULT)  # silent


def test_describe_translates_before_filling_in_the_name() -> None:
    catalog = {NO_SECURE_KEYRING: "Ingen säker nyckelring på datorn ({name})."}
    store = KeyringStore(fail.Keyring())
    assert store.describe(lambda msgid: catalog.get(msgid, msgid)) == (
        "Ingen säker nyckelring på datorn (keyring.backends.fail.Keyring)."
    )


def test_a_backend_not_on_the_allow_list_is_refused() -> None:
    backend = PlaintextKeyring()
    backend.data[("vbedesk", VAULT)] = "v1:" + base64.b64encode(KEY).decode()
    store = KeyringStore(backend, allowed=ALLOWED)
    assert not store.is_available()
    assert "PlaintextKeyring" in store.describe()
    with pytest.raises(SecretStoreUnavailable):
        store.set(VAULT, KEY)
    assert store.get(VAULT) is None  # never even read from an insecure store
    assert backend.data == {("vbedesk", VAULT): "v1:" + base64.b64encode(KEY).decode()}


def test_keyring_errors_are_contained_and_never_logged_with_the_value(
    caplog: pytest.LogCaptureFixture,
) -> None:
    backend = LeakyBrokenKeyring()
    backend.data[("vbedesk", VAULT)] = "v1:" + base64.b64encode(KEY).decode()
    store = KeyringStore(backend, allowed=frozenset({backend_name(backend)}))
    assert store.is_available()
    with caplog.at_level(logging.DEBUG):
        assert store.get(VAULT) is None
        with pytest.raises(SecretStoreUnavailable) as info:
            store.set(VAULT, KEY)
        store.delete(VAULT)
    assert info.value.__cause__ is None and info.value.__suppress_context__
    assert not _leaks(str(info.value))
    assert "KeyringError" in caplog.text
    assert all(r.levelno == logging.WARNING for r in caplog.records)
    assert not _leaks(caplog.text)
    for record in caplog.records:
        assert record.exc_info is None
        assert not _leaks(record.getMessage())


def test_a_write_that_does_not_read_back_is_refused() -> None:
    store = KeyringStore(ForgetfulKeyring(), allowed=frozenset({backend_name(ForgetfulKeyring())}))
    with pytest.raises(SecretStoreUnavailable):
        store.set(VAULT, KEY)


@pytest.mark.parametrize(
    "stale",
    [
        "garbage",
        "",
        base64.b64encode(KEY).decode(),  # no prefix
        "v2:" + base64.b64encode(KEY).decode(),  # unknown version
        "v1:!!!not-base64!!!",
        "v1:" + base64.b64encode(KEY[:16]).decode(),  # wrong length
        "v1:" + base64.b64encode(KEY).decode() + "\n",
    ],
    ids=["garbage", "empty", "no-prefix", "v2", "not-base64", "short", "trailing"],
)
def test_a_malformed_entry_reads_as_absent(stale: str, caplog: pytest.LogCaptureFixture) -> None:
    backend = MemoryKeyring()
    backend.data[("vbedesk", VAULT)] = stale
    store = KeyringStore(backend, allowed=ALLOWED)
    with caplog.at_level(logging.DEBUG):
        assert store.get(VAULT) is None
    if stale:
        assert stale not in caplog.text
    assert backend.data[("vbedesk", VAULT)] == stale  # not silently deleted
    store.set(VAULT, KEY)  # and it can be overwritten
    assert store.get(VAULT) == KEY


def test_a_chainer_is_secure_only_through_an_allowed_first_backend(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first, second = MemoryKeyring(), PlaintextKeyring()
    monkeypatch.setattr(ChainerBackend, "backends", [first, second])
    store = KeyringStore(ChainerBackend(), allowed=ALLOWED)
    assert store.is_available()
    assert store.backend_name == backend_name(first)
    store.set(VAULT, KEY)
    assert ("vbedesk", VAULT) in first.data
    assert second.data == {}
    # An entry only the later (insecure) backend holds is never read through the chain.
    second.data[("vbedesk", "other")] = "v1:" + base64.b64encode(KEY).decode()
    assert store.get("other") is None

    monkeypatch.setattr(ChainerBackend, "backends", [second, first])
    refused = KeyringStore(ChainerBackend(), allowed=ALLOWED)
    assert not refused.is_available()
    assert "PlaintextKeyring" in refused.describe()

    monkeypatch.setattr(ChainerBackend, "backends", [])
    assert not KeyringStore(ChainerBackend(), allowed=ALLOWED).is_available()


def test_default_backend_comes_from_keyring_and_is_restored() -> None:
    old = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        store = KeyringStore(allowed=ALLOWED)
        store.set(VAULT, KEY)
        assert backend.get_password("vbedesk", VAULT) is not None
        assert store.get(VAULT) == KEY
        assert not KeyringStore().is_available()  # the real allow list refuses a test class
    finally:
        keyring.set_keyring(old)
    assert keyring.get_keyring() is old
