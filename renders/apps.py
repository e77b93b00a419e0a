from django.apps import AppConfig


class RendersConfig(AppConfig):
    name = "renders"

    def ready(self):
        # Registers the tasks in every process, not only in workers: the services, webhooks
        # and render hosts queue them by name (renders/tasks.py).
        from renders import tasks  # noqa: F401
