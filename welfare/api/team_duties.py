"""A supervisor's team duties (welfare.selectors.duties.team_duty_list): every open
duty of the teams they cover, overdue first."""

from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.views import APIView

from common.api.schema import errors
from welfare.api.duties import DutyOutputSerializer, _duty_page, _DutyPagination
from welfare.selectors import duties as duty_selectors


class TeamDutyListApi(APIView):
    """Every open duty of the teams the supervisor covers, of every kind they are
    cleared for, by due moment (the overdue first). A police supervisor's: 403 for
    anyone else."""

    policy = {"GET": "welfare.duty.view"}
    pagination_class = _DutyPagination

    @extend_schema(responses={200: DutyOutputSerializer(many=True), **errors(401, 403)})
    def get(self, request):
        now = timezone.now()
        duties = duty_selectors.team_duty_list(actor=request.user, now=now)
        return _duty_page(self, request, duties, now)


urlpatterns = [
    path("team-duties/", TeamDutyListApi.as_view(), name="team-duties"),
]
