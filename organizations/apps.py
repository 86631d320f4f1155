from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "organizations"
    verbose_name = _("组织与岗位")

    def ready(self) -> None:
        from organizations import passwords  # noqa: F401 - connects the sign-in receiver
        from qms.extensions import NavItem, register_nav

        register_nav(NavItem(_("机构与组织"), "organizations:institution_list", order=90))
