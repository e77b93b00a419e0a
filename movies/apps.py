from django.apps import AppConfig


class MoviesConfig(AppConfig):
    name = "movies"

    def ready(self):
        from movies import signals  # noqa: F401  (connects the clip receivers)
