"""WSGI entry point: `gunicorn wsgi:app` or `flask --app wsgi …`."""

from facilities import create_app

app = create_app()
