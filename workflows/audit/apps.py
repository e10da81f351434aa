from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "workflows.audit"
    label = "workflow_audit"
    verbose_name = "Audit log"
    default_auto_field = "django.db.models.BigAutoField"
