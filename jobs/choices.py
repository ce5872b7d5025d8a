from django.db import models


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "In progress"
    SUCCEEDED = "succeeded", "Finished"
    FAILED = "failed", "Failed"


ACTIVE_STATUSES = [JobStatus.QUEUED, JobStatus.RUNNING]
FINISHED_STATUSES = [JobStatus.SUCCEEDED, JobStatus.FAILED]


class JobKind(models.TextChoices):
    """Every kind of heavy work that runs outside the web request (each app's tasks.py)."""

    REPORT_RENDER = "report_render", "Generate the Cabinet report PDF"
    REPORT_ISSUE = "report_issue", "Issue the Cabinet report"
    IMPORT_APPLY = "import_apply", "Import a spreadsheet"
    REMINDERS_SEND = "reminders_send", "Send update reminders"
    STATEMENT_EXPORT = "statement_export", "Export the position statement"
    STATEMENT_ISSUE = "statement_issue", "Issue the position statement"
    EVIDENCE_PACK = "evidence_pack", "Build the evidence pack"
