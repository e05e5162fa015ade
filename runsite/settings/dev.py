"""Local development: debug on, mail printed to the console, files under var/."""

import os

# Debug is on by default here only; base.py reads it, so set it before importing.
os.environ.setdefault("DEBUG", "true")

from .base import *  # noqa: F403
