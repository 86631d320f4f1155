from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseReviewsConfig(AppConfig):
    name = "case_reviews"
    verbose_name = _("重点病例评价")
