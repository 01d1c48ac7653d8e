"""Listings, review, revisions, NAV uploads, documents and articles (products.services)."""
