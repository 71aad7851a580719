from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def upload_root(settings, tmp_path) -> Path:
    """A fresh, empty UPLOAD_ROOT for each test (never var/uploads)."""
    settings.UPLOAD_ROOT = tmp_path / "uploads"
    return settings.UPLOAD_ROOT


def stored_files(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []
