from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "agencies"
    verbose_name = "Agencies and access"

    def ready(self) -> None:
        from agencies import schema  # noqa: F401  (registers the schema extensions)
        from agencies.access import can
        from agencies.audit import access_list_record
        from common.access_hooks import access_hooks_register

        # common's page decorator and API paginator ask the policy through these.
        access_hooks_register(can=can, list_record=access_list_record)
