"""Local development: DEBUG on, everything else from the environment or embedded defaults."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
