"""CSV and XLSX downloads of any django-tables2 table, made safe to open in a spreadsheet.

A cell that begins with =, +, -, @, a tab or a carriage return is read by Excel and LibreOffice as
a formula (CSV/formula injection), so every exported text cell that starts that way gets a
leading single quote; control characters XLSX cannot hold are cleaned first. ``neutralise`` is
the one rule for every export: tables here, the import spreadsheets in ``imports.exports``."""

from django.utils import timezone
from django_tables2.export import ExportMixin, TableExport

from tracker.text import normalise_text

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """The value as a spreadsheet will show it, never as a formula it would run, and without
    the control characters (a vertical tab pasted from Word) that make openpyxl refuse it."""
    if not isinstance(value, str):
        return value
    value = normalise_text(value)
    return "'" + value if value.startswith(FORMULA_TRIGGERS) else value


class SafeTableExport(TableExport):
    """django-tables2's export with every cell (headers included) passed through ``neutralise``."""

    def table_to_dataset(self, table, exclude_columns, dataset_kwargs=None):
        dataset = super().table_to_dataset(table, exclude_columns, dataset_kwargs)
        dataset.headers = [neutralise(header) for header in dataset.headers or []]
        rows = [[neutralise(value) for value in row] for row in dataset]
        del dataset[:]  # tablib keeps headers when rows are removed
        for row in rows:
            dataset.append(row)
        return dataset


class SafeExportMixin(ExportMixin):
    """``?_export=csv`` or ``?_export=xlsx`` downloads the whole filtered table, not one page."""

    export_class = SafeTableExport
    export_formats = (TableExport.CSV, TableExport.XLSX)
    export_name = "export"

    def get_export_filename(self, export_format):
        return f"{self.export_name}-{timezone.localdate():%Y-%m-%d}.{export_format}"
