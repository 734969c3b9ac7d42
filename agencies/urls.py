from django.urls import path

from agencies import views, views_reports

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-in/code/", views.sign_in_code, name="sign-in-code"),
    path("enrol/<str:token>/", views.enrol, name="enrol"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("people/", views.member_list, name="member-list"),
    path("people/new/", views.member_create, name="member-create"),
    path("people/<uuid:member_id>/", views.member_detail, name="member-detail"),
    path("people/<uuid:member_id>/<slug:action>/", views.member_action, name="member-action"),
    path("audit/access-log/", views.access_log, name="access-log"),
    *views_reports.urlpatterns,
]
