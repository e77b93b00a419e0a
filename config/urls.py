from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from config.metrics_view import metrics_view
from renders.still_api import file_urlpatterns as still_file_urls

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="movies:list"), name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("movies/", include("movies.urls")),
    path("clips/", include("clips.urls")),
    path("generations/", include("generations.urls")),
    path("renders/", include("renders.urls")),
    path("embed/", include("previews.urls")),
    path("renders/", include(still_file_urls)),
    path("admin/", admin.site.urls),
    path("api/", include("config.api.urls")),
    path("metrics", metrics_view, name="metrics"),
]

handler400 = "config.errors.bad_request"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"
