"""Cash: the investor's bank cards, bound through the payment gateway in their verified name
(``models``, ``services``, ``selectors``, the gateway interface in ``gateway``), and the pages
and API that manage them."""
