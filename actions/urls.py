from django.urls import path

from actions import views

app_name = "actions"
urlpatterns = [
    path("", views.ActionListView.as_view(), name="action_list"),
    path("<int:pk>/", views.ActionDetailView.as_view(), name="action_detail"),
    path("mine/", views.MyActionsView.as_view(), name="my_actions"),
    path("<int:pk>/updates/new/", views.ProgressUpdateCreateView.as_view(), name="update_create"),
    path(
        "<int:pk>/corrections/new/",
        views.ProgressUpdateCorrectView.as_view(),
        name="update_correct",
    ),
    path(
        "<int:pk>/milestones/<int:milestone_pk>/complete/",
        views.MilestoneCompleteView.as_view(),
        name="milestone_complete",
    ),
    path("<int:pk>/reassign/", views.ActionReassignView.as_view(), name="action_reassign"),
    path("evidence/<int:pk>/", views.EvidenceDownloadView.as_view(), name="evidence_download"),
    path("approvals/", views.ApprovalQueueView.as_view(), name="approval_queue"),
    path("approvals/setting/", views.CouncilApprovalView.as_view(), name="approval_setting"),
    path(
        "updates/<int:update_pk>/accept/",
        views.ProgressUpdateAcceptView.as_view(),
        name="update_accept",
    ),
    path(
        "updates/<int:update_pk>/return/",
        views.ProgressUpdateReturnView.as_view(),
        name="update_return",
    ),
    path("rounds/", views.UpdateRoundListView.as_view(), name="round_list"),
    path("rounds/new/", views.UpdateRoundCreateView.as_view(), name="round_create"),
    path("rounds/<int:pk>/", views.UpdateRoundDetailView.as_view(), name="round_detail"),
    path("rounds/<int:pk>/remind/", views.UpdateRoundRemindView.as_view(), name="round_remind"),
    path("rounds/<int:pk>/close/", views.UpdateRoundCloseView.as_view(), name="round_close"),
    path(
        "rounds/<int:pk>/reminders/",
        views.UpdateRoundRemindersView.as_view(),
        name="round_reminders",
    ),
]
