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
