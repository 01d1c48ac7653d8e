"""Every write about distributions, one module per step: ``declaration`` (declare, review,
withdraw; the investor's election), ``status`` (the one way a distribution changes status),
``payment`` (paying the holders of record at end of day) and ``corrections`` (a NAV correction
that re-prices reinvested lots)."""
