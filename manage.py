#!/usr/bin/env python
"""Django's command-line entry point for Mitra Pemilu."""

import os
import sys
from pathlib import Path


def _bare_checkout() -> bool:
    """No configuration at all: none of DEBUG, SECRET_KEY or MITRA_ENV_FILE in the
    environment, and no ./.env."""
    configured = {"DEBUG", "SECRET_KEY", "MITRA_ENV_FILE"} & os.environ.keys()
    return not configured and not (Path(__file__).resolve().parent / ".env").is_file()


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # A checkout nobody configured is a development machine (as `make run` makes it), so
    # commands like `makemigrations --check` work there; a deployment sets SECRET_KEY in
    # its environment or env file and keeps DEBUG off. The web server (config/wsgi.py)
    # never takes this default.
    if _bare_checkout():
        os.environ["DEBUG"] = "true"
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
