from django.urls import path


def boom(request):
    raise ValueError("probe view failure")


urlpatterns = [path("boom/", boom)]
