from django.urls import path

from agencies import api

urlpatterns = [
    path("auth/token/", api.TokenCreateApi.as_view(), name="auth-token"),
    path("auth/logout/", api.LogoutApi.as_view(), name="auth-logout"),
    path("me/", api.MeApi.as_view(), name="me"),
    path("teams/", api.TeamListApi.as_view(), name="team-list"),
    path("members/", api.MemberListCreateApi.as_view(), name="member-list"),
    path("members/<uuid:member_id>/", api.MemberDetailApi.as_view(), name="member-detail"),
    path(
        "members/<uuid:member_id>/deactivate/",
        api.MemberDeactivateApi.as_view(),
        name="member-deactivate",
    ),
    path(
        "members/<uuid:member_id>/reactivate/",
        api.MemberReactivateApi.as_view(),
        name="member-reactivate",
    ),
    path(
        "members/<uuid:member_id>/reset-mfa/",
        api.MemberMfaResetApi.as_view(),
        name="member-reset-mfa",
    ),
    path("members/<uuid:member_id>/unlock/", api.MemberUnlockApi.as_view(), name="member-unlock"),
    path("audit/access-log/", api.AccessLogListApi.as_view(), name="access-log"),
]
