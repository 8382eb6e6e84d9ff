"""Random local keys for development and the demo, created once in ``var/keys.json`` (never committed)."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

from cryptography.fernet import Fernet


def local_keys(var_dir: Path) -> dict[str, str]:
    path = var_dir / "keys.json"
    if path.exists():
        return dict(json.loads(path.read_text()))
    var_dir.mkdir(parents=True, exist_ok=True)
    keys = {
        "secret_key": secrets.token_urlsafe(50),
        "field_key": Fernet.generate_key().decode(),
        "blind_index_key": secrets.token_urlsafe(32),
    }
    path.write_text(json.dumps(keys))
    path.chmod(0o600)
    return keys
