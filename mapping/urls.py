app_name = "mapping"

urlpatterns = []
