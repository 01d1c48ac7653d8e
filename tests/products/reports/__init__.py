"""A fund's periodic report: validation (DESIGN §5), the CSV (a bad file saves nothing), the
review flow, tenant isolation, what approval copies onto the product, the fund page."""
