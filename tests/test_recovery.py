"""Tests of the recovery key: round trip, typo detection, forgiving input, strict refusal."""

from __future__ import annotations

import binascii
import re
import secrets
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vbedesk.errors import InputRefused
from vbedesk.recovery import ALPHABET, decode_recovery_key, encode_recovery_key

SAMPLE = bytes(range(32))
GROUPED = re.compile(r"^[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){10}$")


def _flat(text: str) -> str:
    return text.replace("-", "")


def test_round_trip_random_keys() -> None:
    for _ in range(200):
        key = secrets.token_bytes(32)
        text = encode_recovery_key(key)
        assert GROUPED.match(text), text
        assert len(text) == 55 + 10
        assert decode_recovery_key(text) == key


def test_edge_keys_round_trip() -> None:
    for key in (bytes(32), b"\xff" * 32, SAMPLE):
        assert decode_recovery_key(encode_recovery_key(key)) == key


def test_format_is_crockford_base32_of_key_and_check() -> None:
    # Independent re-implementation of the documented format.
    check = binascii.crc_hqx(SAMPLE, 0xFFFF).to_bytes(2, "big")
    bits = "".join(f"{b:08b}" for b in SAMPLE + check) + "000"
    expected = "".join(ALPHABET[int(bits[i : i + 5], 2)] for i in range(0, 275, 5))
    assert _flat(encode_recovery_key(SAMPLE)) == expected
    assert encode_recovery_key(bytes(32)).startswith("00000-")


@pytest.mark.parametrize("length", [0, 16, 31, 33, 64])
def test_wrong_key_length_is_a_value_error(length: int) -> None:
    with pytest.raises(ValueError):
        encode_recovery_key(b"\x01" * length)


@pytest.mark.parametrize(
    "key", [SAMPLE, b"\xff" * 32, bytes.fromhex("5a" * 16 + "c3" * 16)], ids=["seq", "ff", "mix"]
)
def test_every_single_substitution_is_detected(key: bytes) -> None:
    """Guaranteed by the CRC for every key, not only for these samples."""
    flat = _flat(encode_recovery_key(key))
    tried = 0
    for position, original in enumerate(flat):
        for replacement in ALPHABET:
            if replacement == original:
                continue
            typo = flat[:position] + replacement + flat[position + 1 :]
            with pytest.raises(InputRefused):
                decode_recovery_key(typo)
            tried += 1
    assert tried == 55 * 31


def test_adjacent_transpositions_are_detected() -> None:
    flat = _flat(encode_recovery_key(SAMPLE))
    for i in range(len(flat) - 1):
        if flat[i] == flat[i + 1]:
            continue
        swapped = flat[:i] + flat[i + 1] + flat[i] + flat[i + 2 :]
        with pytest.raises(InputRefused):
            decode_recovery_key(swapped)


def test_forgiving_input_lower_case_spaces_and_confusables() -> None:
    key = bytes.fromhex("00" * 8 + "ff" * 8 + "01" * 16)
    text = encode_recovery_key(key)
    assert decode_recovery_key(text.lower()) == key
    assert decode_recovery_key(_flat(text)) == key
    assert decode_recovery_key(" " + text.replace("-", " ") + "\n") == key
    assert decode_recovery_key("-".join(_flat(text))) == key  # hyphens anywhere
    assert decode_recovery_key(text.replace("-", " \u2013 ")) == key  # en dash from a PDF
    assert "0" in text and "1" in text
    confused = text.replace("0", "O").replace("1", "l")
    assert decode_recovery_key(confused) == key
    assert decode_recovery_key(text.replace("1", "I").replace("0", "o")) == key
    assert decode_recovery_key(text.replace("1", "i")) == key


@pytest.mark.parametrize(
    "mutate",
    [
        lambda t: t[:-1],  # one character short
        lambda t: t + "0",  # one too many
        lambda t: t + "-00000",  # a group too many
        lambda t: "",
        lambda t: "U" + t[1:],  # U is not in the alphabet
        lambda t: "*" + t[1:],
        lambda t: "\uff10" + t[1:],  # full-width zero
        lambda t: t.replace("-", "_"),
    ],
    ids=["short", "long", "extra-group", "empty", "U", "star", "fullwidth", "underscore"],
)
def test_malformed_input_is_refused(mutate: Callable[[str], str]) -> None:
    text = encode_recovery_key(SAMPLE)
    with pytest.raises(InputRefused):
        decode_recovery_key(mutate(text))


def test_nonzero_pad_bits_are_refused() -> None:
    flat = _flat(encode_recovery_key(SAMPLE))
    last = ALPHABET.index(flat[-1])
    assert last & 0b111 == 0
    with pytest.raises(InputRefused):
        decode_recovery_key(flat[:-1] + ALPHABET[last | 0b001])


def test_refusal_never_echoes_the_input() -> None:
    text = encode_recovery_key(SAMPLE)
    typo = ("Z" if text[0] != "Z" else "Y") + text[1:]
    with pytest.raises(InputRefused) as info:
        decode_recovery_key(typo)
    shown = str(info.value)
    assert shown == "The recovery key has a typo; check each group."
    assert info.value.__cause__ is None and info.value.__context__ is None
    for group in typo.split("-"):
        assert group not in shown


@settings(max_examples=300, deadline=None)
@given(
    key=st.binary(min_size=32, max_size=32),
    position=st.integers(min_value=0, max_value=54),
    replacement=st.sampled_from(ALPHABET),
)
def test_any_single_substitution_in_any_key_is_detected(
    key: bytes, position: int, replacement: str
) -> None:
    flat = _flat(encode_recovery_key(key))
    if flat[position] == replacement:
        return
    with pytest.raises(InputRefused):
        decode_recovery_key(flat[:position] + replacement + flat[position + 1 :])
