"""The project's directories and the one ``env`` object every settings module reads the
environment through (``.env`` at the project's root fills in what the environment leaves unset)."""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)
