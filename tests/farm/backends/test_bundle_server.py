"""The warm service's bundle server (remotion/scripts/lib/bundle-server.mjs): a bundle's
files, marked immutable, to GET and HEAD; nothing outside a bundle folder, however the
path is spelled."""
import http.client
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

BUNDLE = "0123456789abcdef"
SERVE = """
import {serveBundles} from %s;
const bundles = await serveBundles(process.argv[1]);
console.log(bundles.urlOf(process.argv[2]));
process.stdin.on('end', () => bundles.close());
process.stdin.resume();
"""


@pytest.fixture
def bundle_server(tmp_path):
    root = tmp_path / "bundles"
    (root / BUNDLE).mkdir(parents=True)
    (root / BUNDLE / "index.html").write_text("<html>page</html>")
    (root / BUNDLE / "bundle.js").write_text("console.log('bundle');")
    (root / ".tmp-0123456789abcdef-x").mkdir()
    (root / ".tmp-0123456789abcdef-x" / "bundle.js").write_text("half-built")
    (root / "secret.txt").write_text("not a bundle file")
    (tmp_path / "outside.txt").write_text("far outside")
    module = Path(settings.REMOTION_PROJECT_DIR) / "scripts" / "lib" / "bundle-server.mjs"
    node = subprocess.Popen(
        ["node", "--input-type=module", "-e", SERVE % repr(module.as_uri()), str(root), str(root / BUNDLE)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        yield urlsplit(node.stdout.readline().strip())
    finally:
        node.stdin.close()
        node.wait(timeout=10)


def fetch(url, path, method="GET"):
    # http.client sends the path exactly as written: no client-side normalising of dots.
    connection = http.client.HTTPConnection("127.0.0.1", url.port, timeout=5)
    try:
        connection.request(method, path)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def test_a_bundle_is_served_at_its_own_url_and_marked_immutable(bundle_server):
    assert (bundle_server.hostname, bundle_server.path) == ("localhost", f"/{BUNDLE}/")

    status, headers, body = fetch(bundle_server, bundle_server.path)
    assert (status, body) == (200, b"<html>page</html>")
    assert headers["content-type"].startswith("text/html")
    assert headers["cache-control"] == "public, max-age=31536000, immutable"

    status, headers, body = fetch(bundle_server, f"/{BUNDLE}/bundle.js")
    assert (status, headers["content-type"], body) == (200, "text/javascript", b"console.log('bundle');")
    assert fetch(bundle_server, f"/{BUNDLE}/bundle.js", "HEAD")[:1] == (200,)


@pytest.mark.parametrize(
    "path",
    [
        f"/{BUNDLE}/../secret.txt",
        f"/{BUNDLE}/%2e%2e/secret.txt",
        f"/{BUNDLE}/..%2fsecret.txt",
        f"/{BUNDLE}/%2e%2e%2f%2e%2e%2foutside.txt",
        f"/{BUNDLE}/..%5csecret.txt",
        "/secret.txt",
        "/.tmp-0123456789abcdef-x/bundle.js",
        f"/{BUNDLE}/missing.js",
        f"/{BUNDLE}/%zz",
        "/",
    ],
)
def test_nothing_outside_a_bundle_folder_is_served(bundle_server, path):
    assert fetch(bundle_server, path)[::2] == (404, b"")


def test_only_reads_are_answered(bundle_server):
    assert fetch(bundle_server, f"/{BUNDLE}/bundle.js", "POST")[::2] == (404, b"")
