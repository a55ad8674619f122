"""The recovery key: the vault's 256-bit data key written for people, with a typo check.

Format (version 1, fixed: it is printed on recovery sheets kept in a safe)::

    payload = data_key || crc16_ccitt(data_key, init=0xFFFF), big-endian    # 34 bytes
    digits  = Crockford base32 of payload, most significant bit first        # 55 characters

The 34 bytes (272 bits) are read as one big-endian number, shifted left by 3 zero pad
bits (275 bits) and written as 55 digits of the Crockford alphabet
``0123456789ABCDEFGHJKMNPQRSTVWXYZ`` (no I, L, O, U). The digits are shown in 11 groups
of 5 joined by ``-``, for example ``0A1B2-C3D4E-...``.

Reading is forgiving where it cannot be wrong: lower case is accepted, spaces and hyphens
(including typographic dashes a PDF viewer may copy) may stand anywhere, and the Crockford
confusables are mapped (``O`` → ``0``, ``I`` and ``L`` → ``1``). Everything else is strict:
a wrong length, a character outside the alphabet, non-zero pad bits or a failing check
refuse the input with one message that never repeats what was typed.

The check is CRC-16/CCITT (``binascii.crc_hqx``) rather than a truncated hash: a CRC
detects every error burst up to 16 bits, and one mistyped character changes 5 adjacent
bits, two swapped neighbours at most 10, so every single typo and every swap of neighbours
is caught. Anything that still slips through yields a wrong data key, which the vault's
own verification read refuses.
"""

from __future__ import annotations

import binascii
import hmac

from vbedesk.errors import InputRefused
from vbedesk.i18n import N_

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
KEY_BYTES = 32
CHECK_BYTES = 2
GROUP_SIZE = 5
GROUPS = 11
DIGITS = GROUPS * GROUP_SIZE  # 55
_PAYLOAD_BITS = (KEY_BYTES + CHECK_BYTES) * 8  # 272
_PAD_BITS = DIGITS * 5 - _PAYLOAD_BITS  # 3

_VALUES = {char: value for value, char in enumerate(ALPHABET)}
_VALUES.update({"O": 0, "I": 1, "L": 1})
# Separators accepted anywhere: hyphen-minus and the dashes copy/paste tends to produce.
_SEPARATORS = frozenset("-\u2010\u2011\u2012\u2013\u2014\u2212")

TYPO_MESSAGE = N_("The recovery key has a typo; check each group.")


def _check(data_key: bytes) -> bytes:
    return binascii.crc_hqx(data_key, 0xFFFF).to_bytes(CHECK_BYTES, "big")


def encode_recovery_key(data_key: bytes) -> str:
    """Write ``data_key`` (exactly 32 bytes) as 11 hyphen-joined groups of 5 characters."""
    if len(data_key) != KEY_BYTES:
        raise ValueError(f"the data key must be {KEY_BYTES} bytes")
    number = int.from_bytes(data_key + _check(data_key), "big") << _PAD_BITS
    digits = [ALPHABET[(number >> (5 * (DIGITS - 1 - i))) & 0x1F] for i in range(DIGITS)]
    text = "".join(digits)
    return "-".join(text[i : i + GROUP_SIZE] for i in range(0, DIGITS, GROUP_SIZE))


def decode_recovery_key(text: str) -> bytes:
    """Read a recovery key back into the 32-byte data key.

    Raises ``InputRefused`` (a typo) on a wrong length, a bad character or a failing check.
    """
    number = 0
    count = 0
    for char in text:
        if char.isspace() or char in _SEPARATORS:
            continue
        value = _VALUES.get(char.upper()) if char.isascii() else None
        if value is None:
            raise InputRefused(TYPO_MESSAGE)
        number = (number << 5) | value
        count += 1
        if count > DIGITS:
            raise InputRefused(TYPO_MESSAGE)
    if count != DIGITS or number & ((1 << _PAD_BITS) - 1):
        raise InputRefused(TYPO_MESSAGE)
    payload = (number >> _PAD_BITS).to_bytes(KEY_BYTES + CHECK_BYTES, "big")
    data_key, check = payload[:KEY_BYTES], payload[KEY_BYTES:]
    if not hmac.compare_digest(check, _check(data_key)):
        raise InputRefused(TYPO_MESSAGE)
    return data_key
