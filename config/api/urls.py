from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from accounts.tokens import TokenView
from clips.api import api_urlpatterns as clip_urls
from generations.api import api_urlpatterns as generation_urls
from movies.api import api_urlpatterns as movie_urls
from previews.api import api_urlpatterns as preview_urls
from renders.api import api_urlpatterns as render_urls
from renders.still_api import api_urlpatterns as still_urls

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    *generation_urls,
    *clip_urls,
    *movie_urls,
    *render_urls,
    *preview_urls,
    *still_urls,
]
