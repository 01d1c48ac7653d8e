"""Every write about trading, one module per area; callers import from ``orders.services``."""

from .cash import *  # noqa: F403
from .commission import *  # noqa: F403
from .corrections import *  # noqa: F403
from .end_of_day import *  # noqa: F403
from .notices import *  # noqa: F403
from .settlement import *  # noqa: F403
from .trading import *  # noqa: F403
