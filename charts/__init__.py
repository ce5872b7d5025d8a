"""Server-side SVG charts that work from plain data, so pages and the PDF report draw the same
figures. Every chart carries a text alternative and the data table behind it."""

from charts.charts import Chart, milestone_timeline, rag_by_theme, status_over_quarters

__all__ = ["Chart", "milestone_timeline", "rag_by_theme", "status_over_quarters"]
