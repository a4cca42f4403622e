from django.contrib.admin.apps import AdminConfig


class KesuAdminConfig(AdminConfig):
    """django.contrib.admin with the site that audits every change (kesu/audit/admin_trail.py).

    In its own module: next to AuditConfig it would make kesu.audit.apps ambiguous.
    """

    default_site = "kesu.audit.admin_trail.AuditedAdminSite"
