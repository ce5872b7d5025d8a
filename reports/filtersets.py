import django_filters

from reports.choices import Audience, ReportStatus
from reports.models import CabinetReport


class CabinetReportFilterSet(django_filters.FilterSet):
    audience = django_filters.ChoiceFilter(
        choices=Audience.choices, empty_label="Any", label="Report to"
    )
    status = django_filters.ChoiceFilter(choices=ReportStatus.choices, empty_label="Any")

    class Meta:
        model = CabinetReport
        fields = ["audience", "status"]
