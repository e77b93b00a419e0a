"""pytest fixtures: moto S3 and a fake Remotion Lambda on localhost, reached by real boto3.

Load with `pytest_plugins = ["tests.fakes.lambda_fixtures"]` in tests/conftest.py.
Everything is wired through the environment, as in production: boto3 reads
AWS_ENDPOINT_URL_LAMBDA / AWS_ENDPOINT_URL_S3 itself, nothing passes an endpoint_url.
"""
import urllib.request
import uuid
from types import SimpleNamespace

import boto3
import pytest
from moto.server import ThreadedMotoServer

from tests.fakes.fake_lambda import FakeLambda
from tests.fakes.remotion_farm import BUCKET, FUNCTION_NAME, REGION, SERVE_URL, RemotionFarm
from tests.fakes.s3_gate import S3Gate

DUMMY_CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


@pytest.fixture(scope="session")
def moto_s3_url():
    """One moto server per test session; `fake_lambda` empties it before each test."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def fake_lambda(moto_s3_url, monkeypatch, settings, tmp_path):
    """A fake Remotion Lambda 4.0.527 with its render bucket, and the process configured to use it.

    Sets AWS_ENDPOINT_URL_LAMBDA, AWS_ENDPOINT_URL_S3, dummy AWS credentials, the region,
    and RENDER_BACKEND="lambda" with the REMOTION_* settings. Yields the FakeLambda:
    `.farm` scripts renders, `.throttle()` / `.delay_reply()` provoke failures,
    `.invocations_of()` tells what reached it.
    """
    urllib.request.urlopen(urllib.request.Request(f"{moto_s3_url}/moto-api/reset", method="POST")).close()
    s3 = boto3.client("s3", endpoint_url=moto_s3_url, region_name=REGION, **DUMMY_CREDENTIALS)
    s3.create_bucket(Bucket=BUCKET)
    fake = FakeLambda(RemotionFarm(s3))
    fake.start()

    _aws_environment(monkeypatch, tmp_path, moto_s3_url)
    monkeypatch.setenv("AWS_ENDPOINT_URL_LAMBDA", fake.url)

    settings.RENDER_BACKEND = "lambda"
    settings.REMOTION_AWS_REGION = REGION
    settings.REMOTION_LAMBDA_FUNCTION_NAME = FUNCTION_NAME
    settings.REMOTION_SERVE_URL = SERVE_URL
    yield fake
    fake.stop()


@pytest.fixture
def s3_gate(fake_lambda, moto_s3_url, monkeypatch):
    """The fake farm's bucket seen through an S3Gate: the process's S3 endpoint
    (AWS_ENDPOINT_URL_S3) is the gate, which forwards GETs to moto. `.gets` lists what
    reached it, `.refuse()` answers the next GETs with an S3 error."""
    gate = S3Gate(moto_s3_url)
    gate.start()
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", gate.url)
    yield gate
    gate.stop()


@pytest.fixture
def storage_bucket(moto_s3_url, monkeypatch, settings, tmp_path):
    """A fresh moto bucket as RENDER_STORAGE_BUCKET, reached through AWS_ENDPOINT_URL_S3 as
    any S3-compatible store is. Returns the bucket's name and an s3 client; the AWS
    variables set here (os.environ) are what a worker process needs too."""
    bucket = f"montage-outputs-{uuid.uuid4().hex[:12]}"
    s3 = boto3.client("s3", endpoint_url=moto_s3_url, region_name=REGION, **DUMMY_CREDENTIALS)
    s3.create_bucket(Bucket=bucket)
    _aws_environment(monkeypatch, tmp_path, moto_s3_url)
    settings.RENDER_STORAGE_BUCKET = bucket
    return SimpleNamespace(name=bucket, s3=s3)


def _aws_environment(monkeypatch, tmp_path, moto_s3_url):
    # A developer's own AWS profile or config must not leak into the tests.
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_MAX_ATTEMPTS", "AWS_RETRY_MODE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", DUMMY_CREDENTIALS["aws_access_key_id"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", DUMMY_CREDENTIALS["aws_secret_access_key"])
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", moto_s3_url)


WEBHOOK_SECRET = "test-webhook-secret-0123456789abcdef"


@pytest.fixture
def lambda_webhooks(fake_lambda, settings):
    """Webhooks configured, and the fake farm delivering them to this process's Django
    (through the test client, in the test's thread and transaction) without backoff waits.
    Yields the farm's WebhookSender: `.calls` lists every attempt, `.lose_next` loses some."""
    from django.test import Client

    settings.PUBLIC_BASE_URL = "https://montage.example.com"
    settings.REMOTION_WEBHOOK_SECRET = WEBHOOK_SECRET
    client = Client(enforce_csrf_checks=True)

    def through_test_client(url, body, headers):
        path = url.removeprefix(settings.PUBLIC_BASE_URL)
        extra = {name: value for name, value in headers.items() if name.startswith("X-")}
        return client.generic("POST", path, body, content_type="application/json", headers=extra).status_code

    sender = fake_lambda.farm.webhooks
    sender.transport = through_test_client
    sender.backoff_seconds = (0.0, 0.0)
    yield sender
