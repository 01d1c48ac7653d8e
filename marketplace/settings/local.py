"""Local development: DEBUG on, everything else from the environment or embedded defaults."""

from .base import *  # noqa: F403
from .base import LOGGING, env

DEBUG = env.bool("DEBUG", default=True)

# In-process tasks would log a line per task into the runserver console; keep warnings only.
LOGGING = {**LOGGING, "loggers": {"celery.app.trace": {"level": "WARNING"}}}
