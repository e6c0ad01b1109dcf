"""The dashboard and REST API: ``create_app`` (in :mod:`earful.web.app`) builds the app."""
