from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Partner consortium directory"
admin.site.site_title = "Consortium directory admin"
admin.site.index_title = "Records"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("web.urls")),
]

# JSON under /api/, pages elsewhere; an unreachable database answers 503 (config/errors.py).
handler400 = "config.errors.bad_request"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"
