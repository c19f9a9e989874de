"""Spreadsheet exports that cannot run: text a spreadsheet would read as a formula gets a leading apostrophe.

A cell is text starting with = + - @ (or a tab or carriage return, which some spreadsheets skip before one of
those); plain numbers such as "-3" or "+82" are left alone. Used by the admin's django-import-export
exports (settings.EXPORT_FORMATS); zones.reports.safe_cell applies the same rule to the KPI reports.
"""

from __future__ import annotations

import re

from import_export.formats import base_formats

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)*")


def inert_cell(value):
    """`value`, with a leading apostrophe when it is text a spreadsheet would evaluate."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) and not PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def make_inert(dataset) -> None:
    """Rewrite every formula-looking text cell of a tablib Dataset in place (headers included)."""
    if dataset.headers:
        dataset.headers = [inert_cell(header) for header in dataset.headers]
    rows = [tuple(inert_cell(cell) for cell in row) for row in dataset]
    while len(dataset):
        dataset.lpop()
    for row in rows:
        dataset.append(row)


class SafeCSV(base_formats.CSV):
    def export_data(self, dataset, **kwargs):
        make_inert(dataset)
        return super().export_data(dataset, **kwargs)


class SafeXLSX(base_formats.XLSX):
    def export_data(self, dataset, **kwargs):
        make_inert(dataset)
        return super().export_data(dataset, **kwargs)
