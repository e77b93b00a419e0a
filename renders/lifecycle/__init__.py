"""A render's life after its request: starts, polls (chained or batched), webhooks, the
sweep, routing to queues and hosts, and the history of what happened. Every step is a
conditional update (transitions.py); the Celery tasks (renders/tasks.py) drive them."""
