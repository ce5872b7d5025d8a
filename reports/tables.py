import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from reports.models import CabinetReport


class CabinetReportTable(tables.Table):
    """Cabinet reports, newest quarter first; the quarter links to the report's page."""

    quarter = tables.Column(
        accessor="period__quarter_slug",
        verbose_name="Report",
        order_by=("period__start", "version"),
        linkify=lambda record: record.get_absolute_url(),
    )
    audience = tables.Column(verbose_name="For")
    meeting_date = tables.DateColumn(
        accessor="meeting_date",  # the report's own meeting: Cabinet's or the Committee's
        order_by=("period__meeting_date", "period__scrutiny_meeting_date"),
        format="j M Y",
        verbose_name="Meeting",
    )
    status = tables.Column()
    issued_at = tables.DateColumn(format="j M Y", verbose_name="Issued")
    download = tables.Column(accessor="pk", orderable=False, empty_values=(), verbose_name="PDF")

    class Meta:
        model = CabinetReport
        fields = ["quarter", "audience", "meeting_date", "status", "issued_at"]
        # The PDF right after the report's name, so it is on screen on a phone (375 px).
        sequence = ["quarter", "download", "audience", "status", "meeting_date", "issued_at"]
        order_by = ("-quarter",)
        empty_text = "No Cabinet reports yet."

    def render_quarter(self, record):
        return f"{record.period.quarter.label} progress report, version {record.version}"

    def render_status(self, record):
        tag = format_html(
            '<strong class="govuk-tag {}">{}</strong>',
            record.status_choice.tag_class,
            record.get_status_display(),
        )
        replaced = getattr(record, "replaced_by_version", None)
        if replaced:
            tag += format_html(
                '<br><span class="govuk-body-s">Replaced by version {}</span>', replaced
            )
        return tag

    def render_download(self, record):
        if not record.has_pdf:
            return "Not generated yet"
        return format_html(
            '<a class="govuk-link" href="{}" download>Download PDF'
            '<span class="govuk-visually-hidden"> of the {} report to {}, version {}</span></a>',
            reverse("reports:cabinet_report_download", kwargs={"pk": record.pk}),
            record.period.quarter.label,
            record.get_audience_display(),
            record.version,
        )
