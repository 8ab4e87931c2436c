"""Documented statements the local workspace does not support, with the error class a user gets
instead (asserted by the suite: a case listed here must fail with exactly this class, so the list
stays honest; one that starts passing must be removed)."""

from __future__ import annotations

UNSUPPORTED: dict[str, str] = {
    # Refused plainly: number format patterns are not implemented.
    "to_char_number": "UNSUPPORTED_FEATURE",
}
