"""Asking for a render: the services the faces call (writes and reads), the limits and
quota they check, idempotent requests, and the snapshot of what will be rendered."""
