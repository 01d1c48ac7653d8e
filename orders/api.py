"""Portal API that combines orders with profiles."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from institutions.tenancy import PortalAPIMixin

from . import selectors
from .audience import THRESHOLD


def _table_json(table, rows, cols) -> dict:
    """Cells as numbers, or ``"< 20"`` where suppressed."""

    def show(n):
        return f"< {THRESHOLD}" if n is None else n

    return {
        "cells": {r: {c: show(table.cell(r, c)) for c, _ in cols} for r, _ in rows},
        "row_totals": {r: show(table.row_totals[r]) for r, _ in rows},
        "col_totals": {c: show(table.col_totals[c]) for c, _ in cols},
        "total": show(table.total),
    }


class AudienceAPI(PortalAPIMixin, APIView):
    """Consenting investors by two dimensions (``rows``, ``cols``: risk_level, age_cohort, city,
    income_band), split into the institution's customers and everyone else. Cells under 20
    people, and any cell that would let one be recovered from the totals, read ``"< 20"``."""

    @extend_schema(
        parameters=[
            OpenApiParameter("rows", str, enum=list(selectors.DIMENSIONS)),
            OpenApiParameter("cols", str, enum=list(selectors.DIMENSIONS)),
        ],
        responses=dict,
    )
    def get(self, request):
        rows = request.GET.get("rows", "risk_level")
        cols = request.GET.get("cols", "age_cohort")
        try:
            report = selectors.audience_report(
                institution=request.institution, rows_dim=rows, cols_dim=cols
            )
        except ValueError as exc:
            raise serializers.ValidationError({"rows": [str(exc)]}) from exc
        return Response(
            {
                "rows": rows,
                "cols": cols,
                "threshold": THRESHOLD,
                "row_labels": dict(report.rows),
                "col_labels": dict(report.cols),
                "customers": _table_json(report.customers, report.rows, report.cols),
                "others": _table_json(report.others, report.rows, report.cols),
            }
        )
