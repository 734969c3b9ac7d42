from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "agencies"
    verbose_name = "Agencies and access"

    def ready(self) -> None:
        from django.apps import apps
        from django.db.models.signals import post_delete, post_save
        from guardian.models import GroupObjectPermissionBase

        from agencies import schema  # noqa: F401  (registers the schema extensions)
        from agencies.access import can, grants_changed
        from agencies.audit import access_list_record
        from common.access_hooks import access_hooks_register

        # common's page decorator and API paginator ask the policy through these.
        access_hooks_register(can=can, list_record=access_list_record)
        # A grant given or taken away empties the grants `can()` keeps for a request.
        # guardian's assign_perm saves and remove_perm deletes row by row (a receiver
        # keeps Django from deleting in bulk), so each change is seen.
        for model in apps.get_models():
            if issubclass(model, GroupObjectPermissionBase):
                post_save.connect(grants_changed, sender=model, dispatch_uid=f"grants-{model}")
                post_delete.connect(grants_changed, sender=model, dispatch_uid=f"grants-{model}")
