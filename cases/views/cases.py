"""Case pages: list, open, read, log a contact, add parties, offences, decisions.

The pages live in three modules (the list: case_list; reading: case_tabs, the summary
and its tabs; writing: case_forms); their URL names are what other pages link to, so
they do not change."""

from django.urls import path

from cases.views import case_forms, case_list, case_tabs

urlpatterns = [
    path("cases/", case_list.case_list, name="case-list"),
    path("cases/new/", case_forms.case_create, name="case-create"),
    path("cases/<uuid:case_id>/", case_tabs.case_detail, name="case-detail"),
    path("cases/<uuid:case_id>/change/", case_forms.case_change, name="case-change"),
    path(
        "cases/<uuid:case_id>/contacts/new/",
        case_forms.contact_create,
        name="case-contact-create",
    ),
    path("cases/<uuid:case_id>/parties/new/", case_forms.party_create, name="case-party-create"),
    path(
        "cases/<uuid:case_id>/offences/new/",
        case_forms.offence_create,
        name="case-offence-create",
    ),
    path(
        "cases/<uuid:case_id>/decisions/new/",
        case_forms.decision_create,
        name="case-decision-create",
    ),
]
