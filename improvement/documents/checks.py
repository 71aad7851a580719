"""System checks: uploaded documents must never be reachable as static files."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, register


def _inside(path: Path, parent: Path) -> bool:
    try:
        path.resolve().relative_to(parent.resolve())
    except ValueError:
        return False
    return True


@register()
def upload_root_outside_web_root(app_configs=None, **kwargs) -> list[Error]:
    root = Path(settings.UPLOAD_ROOT)
    public = [Path(settings.STATIC_ROOT), *(Path(p) for p in settings.STATICFILES_DIRS)]
    errors = [
        Error(
            f"UPLOAD_ROOT ({root}) is inside {folder}, which is served to anyone.",
            hint="Set UPLOAD_ROOT to a folder outside the static files (the default is var/uploads).",
            id="documents.E001",
        )
        for folder in public
        if _inside(root, folder)
    ]
    if settings.UPLOAD_MAX_BYTES <= 0:
        errors.append(Error("UPLOAD_MAX_BYTES must be a positive number of bytes.", id="documents.E002"))
    return errors
