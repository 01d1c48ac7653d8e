"""The investor's HTML pages, one module per part: ``cash`` (cash, the sandbox gateway),
``trading`` (checkout, sell, orders) and ``portfolio``."""
