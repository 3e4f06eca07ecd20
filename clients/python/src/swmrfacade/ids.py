"""Session and task ids: UUIDv7 (RFC 9562) in lower-case text form, as the Java client makes them.

48 bits of Unix milliseconds, the version 7, a 12-bit counter that keeps ids made in the same
millisecond in order, the variant bits 10, then 62 random bits. Ids from one process strictly
increase, so sorting ids as text sorts them by creation. Python 3.11 has no uuid7.
"""

import os
import re
import threading
import time

_UUID7 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\Z")
_lock = threading.Lock()
_last_ms = 0
_counter = 0


def next_id() -> str:
    """A new UUIDv7, later than every id this process made before. Thread-safe."""
    global _last_ms, _counter
    with _lock:
        now = time.time_ns() // 1_000_000
        if now > _last_ms:
            _last_ms, _counter = now, 0
        else:
            _counter += 1
            if _counter > 0xFFF:  # more than 4096 ids in one millisecond: borrow the next one
                _last_ms, _counter = _last_ms + 1, 0
        ms, seq = _last_ms, _counter
    rand = int.from_bytes(os.urandom(8), "big") & 0x3FFFFFFFFFFFFFFF
    return format_id(ms, seq, rand)


def format_id(ms: int, seq: int, rand62: int) -> str:
    """The text form of a UUIDv7 with these fields (for tests and other clients' vectors)."""
    hi = (ms << 16) | 0x7000 | seq
    lo = rand62 | 0x8000000000000000
    h = f"{hi:016x}{lo:016x}"
    return f"{h[0:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def is_valid(value) -> bool:
    """True for a UUIDv7 in lower-case text form, what a session id must be."""
    return isinstance(value, str) and _UUID7.match(value) is not None


def created_ms(value: str) -> int:
    """The Unix milliseconds a UUIDv7 carries."""
    return int(value[0:8] + value[9:13], 16)


def require_session_id(value) -> str:
    if not is_valid(value):
        raise ValueError(f"session id {value!r} is not a UUIDv7 (as printed by sf submit)")
    return value
