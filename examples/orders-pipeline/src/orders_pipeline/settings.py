"""Parameters from conf/base/parameters.yml (flat `key: value` lines, no YAML library needed)."""

from __future__ import annotations

from pathlib import Path

CONF = Path(__file__).resolve().parents[2] / "conf" / "base" / "parameters.yml"


def parameters(path: Path = CONF) -> dict[str, str]:
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if ":" in line:
            key, value = line.split(":", 1)
            found[key.strip()] = value.strip()
    return found
