"""The report fetcher serves the app's static files only; user text in a report stays text and fetches nothing."""

from __future__ import annotations

import pytest

from tests.reports.conftest import pdf_pages

HOSTILE_NAME = ('<img src="file:///etc/passwd"><b style="background:url(http://evil.example/x.png)">bold</b>'
                '<style>@import url(file:///etc/hosts);</style>')


@pytest.fixture
def fetcher(app):
    from facilities.reports.pdf import make_fetcher

    return make_fetcher(app)


@pytest.mark.parametrize("url", [
    "file:///etc/passwd", "FILE:///etc/passwd", "http://example.com/x.css", "https://example.com/x.png",
    "ftp://example.com/x", "//example.com/x.css", "app://evil.example/static/css/print.css",
    "app:///static/../../../etc/passwd", "/static/../facilities/config.py", "app:///etc/passwd",
    "javascript:alert(1)",
])
def test_the_fetcher_refuses_everything_but_static_files(fetcher, url):
    from facilities.reports.pdf import RefusedURL

    with pytest.raises(RefusedURL):
        fetcher.fetch(url)


def test_the_fetcher_serves_the_print_stylesheet_and_data_uris(fetcher):
    for url in ["/static/css/print.css", "app:///static/css/print.css"]:
        response = fetcher.fetch(url)
        assert response.content_type == "text/css"
        assert b"@page" in response.read()
    assert fetcher.fetch("data:text/plain;base64,aGVsbG8=").read() == b"hello"


def test_hostile_building_name_renders_as_text_and_fetches_nothing(client_as, factory, monkeypatch):
    from facilities.reports import pdf

    asked: list[str] = []
    original = pdf.StaticFileFetcher.fetch

    def spy(self, url, headers=None):
        asked.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(pdf.StaticFileFetcher, "fetch", spy)
    site = factory.site(name="Site url(file:///etc/shadow)", address='<link rel="stylesheet" href="http://evil.example/a.css">')
    building = factory.building(site=site, name=HOSTILE_NAME, floors=1, spaces_per_floor=2)
    client = client_as("director")
    for url in [f"/buildings/{building.id}/fact-sheet.pdf", f"/buildings/{building.id}/inventory.pdf"]:
        response = client.get(url)
        assert response.status_code == 200, url
        text = " ".join(pdf_pages(response.data))
        assert '<img src="file:///etc/passwd">' in text
        assert "url(http://evil.example/x.png)" in text
        assert "root:" not in text  # /etc/passwd was not read
    assert asked, "the print stylesheet goes through the fetcher"
    assert not [u for u in asked if u.lower().startswith(("file:", "http:", "https:", "ftp:", "//"))], asked
    assert all(u.startswith(("app:///static/", "data:")) for u in asked), asked
