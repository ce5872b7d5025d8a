import django_filters

from reports.choices import ReportStatus
from reports.models import CabinetReport


class CabinetReportFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ReportStatus.choices, empty_label="Any")

    class Meta:
        model = CabinetReport
        fields = ["status"]
