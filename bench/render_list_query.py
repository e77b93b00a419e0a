"""Database time of one page of GET /api/renders/ with and without the snapshot loaded.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/montage .venv/bin/python bench/render_list_query.py [--rows 50] [--runs 200]

Creates a throwaway database (test_<name>), a user with `--rows` renders whose input
props are ~42 KB each (a generated clip's code at the size limit), and times the list
query as the API ran it before (every column) and as it runs now (input_props deferred):
the database time of the query (execute + transfer, psycopg fetches on execute) and the
whole request through the API. Prints medians and p95 in milliseconds. Not part of the tests.
"""
import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

PROPS_BYTES = 42 * 1024


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database: this measures PostgreSQL.")
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(args.rows, args.runs)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run(rows, runs):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    from renders.api import RenderSerializer
    from renders.requests.selectors import renders_for_api, renders_for_owner
    from tests.factories import ClipFactory, RenderFactory

    clip = ClipFactory(duration_in_frames=30)
    code = "// " + "x" * (PROPS_BYTES - 3)
    for _ in range(rows):
        RenderFactory(clip=clip, input_props={"code": code, "durationInFrames": 30, "fps": 30})
    user = clip.owner
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE renders_render")

    print(f"{rows} renders, input props {PROPS_BYTES // 1024} KB each, {runs} runs, PostgreSQL {connection.pg_version}")
    for label, queryset in (
        ("before (all columns)", lambda: renders_for_owner(user)),
        ("after (input_props deferred)", lambda: renders_for_api(user)),
    ):
        db_ms = []
        for _ in range(runs):
            timings = []
            with connection.execute_wrapper(_timer(timings)):
                RenderSerializer(list(queryset().order_by("-created_at")[:rows]), many=True).data
            db_ms.append(sum(timings) * 1000)
        print(f"  {label:30} DB time median {statistics.median(db_ms):6.2f} ms   p95 {_p95(db_ms):6.2f} ms")

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    request_ms = []
    for _ in range(runs // 4 or 1):
        began = time.perf_counter()
        assert client.get("/api/renders/", {"page_size": rows}).status_code == 200
        request_ms.append((time.perf_counter() - began) * 1000)
    print(f"  GET /api/renders/?page_size={rows} (now), whole request median {statistics.median(request_ms):.2f} ms")


def _timer(timings):
    def wrapper(execute, sql, params, many, context):
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timings.append(time.perf_counter() - began)

    return wrapper


def _p95(values):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


if __name__ == "__main__":
    main()
