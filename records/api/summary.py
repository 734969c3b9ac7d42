"""The case summary as a PDF (issue 19): GET /api/v1/cases/{id}/summary/?purpose=..."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.views import APIView

from cases.api.common import CaseNestedMixin
from common.api.schema import errors
from records.selectors.summary import SummaryPurpose
from records.services import summary as summary_services
from records.views.summary import pdf_attachment


class PdfWhateverAccepted(BaseContentNegotiation):
    # The summary answers as a PDF whatever the client accepts; errors still come back
    # as JSON. (A comment, not a docstring: the schema would show it.)

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class CaseSummaryApi(CaseNestedMixin, APIView):
    policy = {"GET": summary_services.CAPABILITY}
    content_negotiation_class = PdfWhateverAccepted

    class QuerySerializer(serializers.Serializer):
        purpose = serializers.ChoiceField(
            choices=SummaryPurpose.choices,
            error_messages={
                "required": "Name what the summary is for: strategy, conference or prosecution.",
                "invalid_choice": "Choose strategy, conference or prosecution.",
            },
        )

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "purpose",
                {"type": "string", "enum": SummaryPurpose.values},
                required=True,
                description=(
                    "What the summary is for, which decides its sections: `strategy` (a "
                    "strategy discussion: people, risk, referrals, strategy discussions, "
                    "open actions), `conference` (a child protection conference: the "
                    "children, risk, strategy discussions) or `prosecution` (the "
                    "prosecutor's file: people, offences, arrests and bail, the material "
                    "summary, key decisions, outcomes)."
                ),
            )
        ],
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, **errors(400, 401, 403, 404)},
        description=(
            "The case summary for one purpose as a PDF attachment "
            "(`<reference>-summary-<purpose>.pdf`, `Cache-Control: no-store`), built from the "
            "caller's own view of the case: a section the caller may not see is left out "
            "whole. Every page carries the protective marking OFFICIAL-SENSITIVE, the "
            "reference, who printed it and when, and its page number. Each print is written "
            "to the access log with its purpose (`records.case_summary.printed`). 400 names "
            "`purpose` when it is missing or unknown; 403 for a case the caller may read "
            "but not print (a read-only grant)."
        ),
    )
    def get(self, request, case_id):
        case = self.get_case(request, case_id)
        query = self.QuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        printed = summary_services.case_summary_print(
            actor=request.user,
            case=case,
            purpose=SummaryPurpose(query.validated_data["purpose"]),
        )
        return pdf_attachment(printed)
