"""Distributions (dividends) of funds."""
