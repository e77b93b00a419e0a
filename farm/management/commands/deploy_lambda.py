"""Deploy the Remotion Lambda function and site with the Remotion CLI pinned in remotion/.

It needs AWS credentials with Remotion's user policy and the `remotion-lambda-role` role
(see README, "Deploying") and cannot run on an offline machine; it wraps the two documented
CLI calls and reads the function name and serve URL from the lines that carry them (the CLI
prints hints after them). With RENDER_RETENTION_DAYS set, the site is created with
`--enable-folder-expiry`: the bucket's lifecycle rules that Remotion's `deleteAfter` needs.
"""
import argparse
import re
import subprocess

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def parse_function_name(output, version=None):
    """The deployed function's name, e.g. remotion-render-4-0-527-mem2048mb-disk2048mb-120sec."""
    version = (version or settings.REMOTION_VERSION).replace(".", "-")
    pattern = re.compile(rf"\b(remotion-render-{re.escape(version)}-mem\d+mb-disk\d+mb-\d+sec)\b")
    return _first_match(pattern, output, "functions deploy", "function name")


def parse_serve_url(output, site_name):
    """The site's serve URL, from the line that carries it (not the "redeploy" hint after it)."""
    pattern = re.compile(rf"(https://\S+/sites/{re.escape(site_name)}/index\.html)(?:\s|$)")
    return _first_match(pattern, output, "sites create", "serve URL")


def id_list(prefix):
    """An argparse type: a comma-separated list of AWS ids like subnet-0abc..., as given."""

    def parse(text):
        ids = [part.strip() for part in text.split(",")]
        if not all(re.fullmatch(rf"{prefix}-[0-9a-f]{{8,17}}", one) for one in ids):
            raise argparse.ArgumentTypeError(f"expected comma-separated {prefix}-... ids, got {text!r}")
        return ",".join(ids)

    return parse


def _first_match(pattern, output, command, what):
    for line in output.splitlines():
        match = pattern.search(line)
        if match:
            return match.group(1)
    raise CommandError(f"`remotion lambda {command}` succeeded but printed no {what}:\n{output}")


class Command(BaseCommand):
    help = "Deploy the Remotion Lambda function and site, then print the settings to use."

    def add_arguments(self, parser):
        parser.add_argument("--region", default=settings.REMOTION_AWS_REGION, help="AWS region (REMOTION_AWS_REGION)")
        parser.add_argument("--memory", type=int, default=2048, help="function memory in MB")
        parser.add_argument("--disk", type=int, default=2048, help="function disk in MB")
        parser.add_argument("--timeout", type=int, default=120, help="function timeout in seconds (not delayRender)")
        parser.add_argument("--site-name", default="montage", help="S3 site name; redeploying overwrites it")
        parser.add_argument(
            "--vpc-subnet-ids", type=id_list("subnet"), help="run the function in these VPC subnets (a,b,...)"
        )
        parser.add_argument(
            "--vpc-security-group-ids", type=id_list("sg"), help="with these security groups (a,b,...)"
        )

    def handle(self, *args, region, memory, disk, timeout, site_name, **options):
        vpc_subnet_ids, vpc_security_group_ids = options["vpc_subnet_ids"], options["vpc_security_group_ids"]
        if not region:
            raise CommandError("Give --region or set REMOTION_AWS_REGION.")
        if bool(vpc_subnet_ids) != bool(vpc_security_group_ids):
            raise CommandError("A VPC needs both --vpc-subnet-ids and --vpc-security-group-ids.")
        vpc = []
        if vpc_subnet_ids:
            vpc = [f"--vpc-subnet-ids={vpc_subnet_ids}", f"--vpc-security-group-ids={vpc_security_group_ids}"]
        function_name = parse_function_name(self._remotion(
            "lambda", "functions", "deploy",
            f"--region={region}", f"--memory={memory}", f"--disk={disk}", f"--timeout={timeout}", *vpc,
            "--yes", "--quiet",
        ))
        expiry = ["--enable-folder-expiry"] if settings.RENDER_RETENTION_DAYS else []
        serve_url = parse_serve_url(self._remotion(
            "lambda", "sites", "create", "src/index.ts", f"--site-name={site_name}", f"--region={region}",
            *expiry, "--yes", "--quiet",
        ), site_name)
        self.stdout.write("Deployed. Set these for every process (web, worker, polls, beat), e.g. in .env:")
        self.stdout.write("RENDER_BACKEND=lambda")
        self.stdout.write(f"REMOTION_AWS_REGION={region}")
        self.stdout.write(f"REMOTION_LAMBDA_FUNCTION_NAME={function_name}")
        self.stdout.write(f"REMOTION_SERVE_URL={serve_url}")

    def _remotion(self, *arguments):
        command = ["npx", "--no-install", "remotion", *arguments]
        self.stderr.write("$ " + " ".join(command))
        result = subprocess.run(
            command, cwd=settings.REMOTION_PROJECT_DIR, capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            raise CommandError(f"{' '.join(arguments[:3])} failed:\n{result.stderr or result.stdout}")
        return result.stdout
