app_name = "api"

# The REST API (issue 3) registers its router here.
urlpatterns: list = []
