from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from cocrea.core.views import favicon

# The admin signs in through allauth, so that two-factor authentication and the lockout apply.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]


# The error pages are pages of the site (cocrea.core.views), as is the refused form (CSRF_FAILURE_VIEW).
handler400 = "cocrea.core.views.bad_request"
handler403 = "cocrea.core.views.permission_denied"
handler404 = "cocrea.core.views.page_not_found"
handler500 = "cocrea.core.views.server_error"

urlpatterns = [
    # Browsers ask for /favicon.ico wherever the page says the icon is (base.html links it).
    path("favicon.ico", favicon),
    # Choosing the interface language needs no CSRF token: it only sets the language cookie (a forged
    # request can do no more than switch a visitor's language), and without a token in the form
    # public pages are the same for every anonymous visitor, so they can be cached whole (README
    # "Cache"). Every other unsafe route keeps the check.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("cuenta/", include("allauth.urls")),
    path("cuenta/perfil/", include("cocrea.accounts.urls")),
    path("gestion/documentos/", include("cocrea.drafts.staff_urls")),
    path("gestion/catalogo/", include("cocrea.catalogue.staff_urls")),
    path("gestion/", include("cocrea.staff.urls")),
    path("", include("cocrea.participation.urls")),
    path("", include("cocrea.reports.urls")),
    path("", include("cocrea.drafts.urls")),
    path("catalogo/", include("cocrea.catalogue.urls")),
    path("", include("cocrea.portal.urls")),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
