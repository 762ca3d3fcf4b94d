#!/usr/bin/env python3
"""Run by scripts/check-wheel inside a clean virtual environment where only the built wheel is installed.

Proves that the installed package is the whole product: the app starts from the package alone (templates,
static files, migrations, compiled catalogues, shipped data), migrates an empty database, loads the demo,
serves French pages and renders the portfolio report to a PDF that pypdf reads back.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

PASSWORD = "wheel-check-correct-horse-battery"


def main() -> None:
    import facilities

    package = Path(facilities.__file__).resolve().parent
    assert "site-packages" in package.parts, f"facilities imported from {package}, not from the installed wheel"
    work = Path(tempfile.mkdtemp(prefix="wheel-check-"))

    from flask_babel import force_locale, gettext
    from flask_migrate import upgrade
    from pypdf import PdfReader

    from facilities import create_app
    from facilities.auth.services import create_user
    from facilities.data import COMMUNES_92
    from facilities.demo.loader import load_demo
    from facilities.extensions import db

    app = create_app({"DATABASE_URL": f"sqlite:///{work / 'check.sqlite3'}", "SECRET_KEY": "wheel-check",
                      "SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False, "WTF_CSRF_ENABLED": False,
                      "SERVER_NAME": "localhost", "INSTANCE_PATH": str(work / "instance")})
    assert COMMUNES_92.is_file(), "the communes of Hauts-de-Seine are not in the package"
    with app.app_context():
        upgrade()  # the migrations shipped in the package
        load_demo(with_users=False)
        create_user("director@wheel.example", "director", PASSWORD)
        db.session.commit()
        with force_locale("fr"):
            sign_in, sites = gettext("Sign in"), gettext("Sites")
    assert sign_in != "Sign in", "no French catalogue compiled in the package"

    client = app.test_client()
    login = client.get("/login", headers={"Accept-Language": "fr"})
    page = login.get_data(as_text=True)
    assert login.status_code == 200 and 'lang="fr"' in page and sign_in in page, f"/login is not French: {page[:300]}"
    assert client.get("/static/css/app.css").status_code == 200, "static files missing"
    response = client.post("/login", data={"email": "director@wheel.example", "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    listing = client.get("/sites")
    assert listing.status_code == 200 and sites in listing.get_data(as_text=True), "the site list is not French"

    report = work / "portfolio.pdf"
    result = app.test_cli_runner().invoke(args=["reports", "portfolio", str(report)])
    assert result.exit_code == 0, result.output + repr(result.exception)
    pages = len(PdfReader(report).pages)
    assert pages > 1, f"the portfolio has {pages} page(s)"
    print(f"installed wheel OK: {package}; French pages served; portfolio report: {pages} pages")


if __name__ == "__main__":
    try:
        main()
    except AssertionError as error:
        sys.exit(f"wheel check failed: {error}")
