"""create_app is pure: given what it needs, it writes nothing to disk; only the embedded setup keeps a key file."""

from __future__ import annotations

from pathlib import Path

import pytest

from facilities import PROJECT_ROOT


def snapshot(folder: Path) -> dict[str, tuple[int, int]] | None:
    """Every file under a folder with its size and modification time; None when the folder does not exist."""
    if not folder.exists():
        return None
    return {str(path.relative_to(folder)): (path.stat().st_size, path.stat().st_mtime_ns)
            for path in folder.rglob("*")}


@pytest.fixture
def clean_environment(monkeypatch):
    for name in ("SECRET_KEY", "DATABASE_URL", "FACILITIES_ENV"):
        monkeypatch.delenv(name, raising=False)


def test_create_app_with_a_secret_key_writes_nothing(tmp_path, clean_environment):
    from facilities import create_app

    instance = PROJECT_ROOT / "instance"
    before = snapshot(instance)
    create_app({"SECRET_KEY": "given", "DATABASE_URL": f"sqlite:///{tmp_path / 'db' / 'app.sqlite3'}"})
    create_app({"SECRET_KEY": "given"})  # the default database, in the instance folder, is not touched either
    create_app({"SECRET_KEY": "given", "INSTANCE_PATH": str(tmp_path / "instance")})
    assert snapshot(instance) == before
    assert list(tmp_path.iterdir()) == []


def test_a_testing_app_without_a_key_writes_nothing(tmp_path, clean_environment):
    from facilities import create_app

    app = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "instance"),
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'app.sqlite3'}"})
    assert len(app.secret_key) == 64
    assert list(tmp_path.iterdir()) == []


def test_a_key_from_the_environment_writes_nothing(tmp_path, clean_environment, monkeypatch):
    from facilities import create_app

    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    app = create_app({"INSTANCE_PATH": str(tmp_path / "instance"),
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'app.sqlite3'}"})
    assert app.secret_key == "from-the-environment"
    assert list(tmp_path.iterdir()) == []


def test_the_embedded_setup_keeps_one_key_per_instance_folder(tmp_path, clean_environment):
    from facilities import create_app

    config = {"INSTANCE_PATH": str(tmp_path / "instance"), "DATABASE_URL": f"sqlite:///{tmp_path / 'app.sqlite3'}"}
    first = create_app(config)
    key_file = tmp_path / "instance" / "secret_key"
    assert key_file.read_text() == first.secret_key
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert create_app(config).secret_key == first.secret_key  # sessions survive a restart


def test_the_sqlite_folder_is_made_at_the_first_connection(tmp_path, clean_environment):
    from sqlalchemy import text

    from facilities import create_app
    from facilities.extensions import db

    app = create_app({"SECRET_KEY": "given", "DATABASE_URL": f"sqlite:///{tmp_path / 'new' / 'app.sqlite3'}"})
    assert not (tmp_path / "new").exists()
    with app.app_context():
        assert db.session.execute(text("SELECT 1")).scalar() == 1
        db.session.remove()
        db.engine.dispose()
    assert (tmp_path / "new" / "app.sqlite3").is_file()
