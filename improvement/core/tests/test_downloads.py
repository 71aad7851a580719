"""Downloads are attachments that no shared cache keeps, whatever the file's name."""

from improvement.core.downloads import private_download


def test_a_download_is_a_private_attachment():
    response = private_download(b"%PDF-1.4", filename="Board pack 100001.pdf", content_type="application/pdf")
    assert response.content == b"%PDF-1.4"
    assert response["Content-Disposition"] == 'attachment; filename="Board pack 100001.pdf"'
    assert response["Cache-Control"] == "private, no-store"


def test_a_name_with_quotes_or_accents_cannot_break_the_header():
    response = private_download(b"x", filename='St Anne’s "Primary".pdf', content_type="application/pdf")
    header = response["Content-Disposition"]
    assert header.startswith("attachment; filename*=utf-8''")
    assert '"Primary"' not in header
