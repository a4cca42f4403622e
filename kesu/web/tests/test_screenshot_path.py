"""`make test` must not rewrite the documentation's screenshots (docs/screenshots/)."""

from pathlib import Path

from kesu.web.tests.e2e import conftest as e2e


class FakePage:
    def __init__(self):
        self.paths = []

    def screenshot(self, *, path, full_page):
        self.paths.append(Path(path))
        Path(path).write_bytes(b"png")


def test_screenshots_go_to_an_ignored_folder_by_default(monkeypatch, tmp_path):
    monkeypatch.delenv(e2e.SCREENSHOTS_ENV, raising=False)
    monkeypatch.setattr(e2e, "DEFAULT_SCREENSHOTS", tmp_path / "var" / "screenshots")
    page = FakePage()
    written = e2e.screenshot(page, "my-work")
    assert page.paths == [written]
    assert written.parent == tmp_path / "var" / "screenshots"


def test_the_default_folder_is_not_under_docs(monkeypatch):
    monkeypatch.delenv(e2e.SCREENSHOTS_ENV, raising=False)
    folder = e2e.screenshots_dir()
    docs = (e2e.ROOT / "docs").resolve()
    assert not folder.resolve().is_relative_to(docs)
    assert folder.resolve().is_relative_to((e2e.ROOT / "var").resolve())  # var/ is ignored


def test_make_screenshots_points_the_helper_at_docs(monkeypatch, tmp_path):
    monkeypatch.setenv(e2e.SCREENSHOTS_ENV, str(tmp_path / "docs" / "screenshots"))
    written = e2e.screenshot(FakePage(), "intake")
    assert written == (tmp_path / "docs" / "screenshots" / "intake.png").resolve()
