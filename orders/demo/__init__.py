"""Demo portfolios: the demo investors' past purchases, each confirmed by a real end-of-day run,
so ``/me/portfolio/`` shows lots, P&L and money-market income on a fresh machine, and the
institutions' past months are closed into statements.

The demo is honest about time: the trading calendar holds the market's public holidays for the
years the demo covers, and every step runs under ``clock.demo_clock`` at the moment it stands for
(a top-up before the first purchase, each order at 10:00 on its trading day, each end of day at
22:30 that evening, each month closed on the 1st of the next), so order events and cash
entries carry the dates they happened, not the time ``seed_demo`` ran."""
