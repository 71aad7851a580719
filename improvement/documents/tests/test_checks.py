from __future__ import annotations

from pathlib import Path

from improvement.documents.checks import upload_root_outside_web_root


def test_default_upload_root_passes(settings):
    settings.UPLOAD_ROOT = Path(settings.VAR_DIR) / "uploads"
    assert upload_root_outside_web_root() == []


def test_upload_root_inside_the_static_files_is_an_error(settings):
    settings.UPLOAD_ROOT = Path(settings.STATIC_ROOT) / "uploads"
    assert [error.id for error in upload_root_outside_web_root()] == ["documents.E001"]
    settings.UPLOAD_ROOT = Path(settings.STATICFILES_DIRS[0])
    assert [error.id for error in upload_root_outside_web_root()] == ["documents.E001"]


def test_a_limit_of_nothing_is_an_error(settings, tmp_path):
    settings.UPLOAD_ROOT = tmp_path
    settings.UPLOAD_MAX_BYTES = 0
    assert [error.id for error in upload_root_outside_web_root()] == ["documents.E002"]
