"""``multipart/form-data`` bodies (the SDK's ``w.workspace.upload``), parsed with the stdlib.

starlette's form parser needs python-multipart, which the project does not depend on; bodies
here are bounded (10 MB imports), so the email parser reading the whole body is fine.
"""

from __future__ import annotations

from email.parser import BytesParser
from email.policy import HTTP

from local_workspace.rest.errors import ApiError


def parse_form(body: bytes, content_type: str) -> dict[str, bytes]:
    """Field name → raw value bytes (text fields and file parts alike)."""
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1")
    message = BytesParser(policy=HTTP).parsebytes(head + body)
    if not message.is_multipart():
        raise ApiError("MALFORMED_REQUEST", "expected a multipart/form-data body")
    fields = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if name:
            fields[str(name)] = part.get_payload(decode=True) or b""
    return fields
