from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from organizations import passwords
from qms import views

handler400 = "qms.views.bad_request"
handler404 = "qms.views.page_not_found"
handler500 = "qms.views.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", passwords.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", passwords.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("org/", include("organizations.urls")),
    path("api/v1/", include("qms.api_router")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
]

urlpatterns += [
    path("events/", include("adverse_events.urls")),
    path("interviews/", include("interviews.urls")),
    path("meetings/", include("committees.urls")),
    path("indicators/", include("indicators.urls")),
    path("inbox/", include("qms.notifications.urls")),
    path("bulletins/", include("bulletins.urls")),
    path("staff/", include("staff.urls")),
    path("rectifications/", include("rectifications.urls")),
    path("credentialing/", include("credentialing.urls")),
    path("inspections/", include("inspections.urls")),
    path("case-reviews/", include("case_reviews.urls")),
    path("safety-information/", include("safety_info.urls")),
    path("qc-centres/", include("qc_centres.urls")),
]
