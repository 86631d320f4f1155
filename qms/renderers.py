"""Renderers of the API (a module of its own: DRF imports it while loading its settings)."""
from rest_framework.renderers import BrowsableAPIRenderer


class FormlessBrowsableAPIRenderer(BrowsableAPIRenderer):
    """The browsable API for development: the answer as HTML, but no HTML forms or filter forms, whose
    dropdowns DRF and django-filter would fill from querysets of every hospital (issue 13 item 2).
    Production serves JSON only (qms/settings/production.py)."""

    def get_rendered_html_form(self, data, view, method, request):
        return None

    def get_raw_data_form(self, data, view, method, request):
        return None

    def get_filter_form(self, data, view, request):
        return None
