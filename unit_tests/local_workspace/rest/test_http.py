from __future__ import annotations

import json

from local_workspace.rest.http import AsciiJSONResponse


def test_ascii_json_carries_text_no_utf8_can_hold() -> None:
    body = AsciiJSONResponse({"data": "x\ud800 é"}).body
    assert body == b'{"data":"x\\ud800 \\u00e9"}'
    assert json.loads(body) == {"data": "x\ud800 é"}
