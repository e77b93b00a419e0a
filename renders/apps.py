from django.apps import AppConfig


class RendersConfig(AppConfig):
    name = "renders"

    def ready(self):
        # Registers the tasks in every process, not only in workers: the services, webhooks
        # and render hosts queue them by name (renders/tasks.py).
        from renders import tasks  # noqa: F401
        from renders.outputs.posters import posters_follow_saves

        posters_follow_saves()
