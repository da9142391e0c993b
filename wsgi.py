"""The WSGI entry point: `gunicorn wsgi:app` in production, `flask --app wsgi run` locally."""
from app import create_app

app = create_app()
