#!/usr/bin/python3
"""For each SERVICE REGION line on stdin, botocore's default endpoint and
the region it signs for, as "URL SIGNING-REGION" (what `aws_call endpoint`
prints), so the two can be compared line by line. The request is stopped
before it is sent; nothing goes on the network. STS is asked regionally
(AWS_STS_REGIONAL_ENDPOINTS=regional, the AWS CLI v2 default); SSO calls
are unsigned and print "-".

usage: botocore_endpoints.py < pairs"""
import os
import re
import sys

import botocore.session
from botocore import UNSIGNED
from botocore.config import Config

CALLS = {  # our name: (botocore's, operation, arguments)
    "route53": ("route53", "list_hosted_zones", {}),
    "dms": ("dms", "describe_replication_tasks", {}),
    "rds": ("rds", "describe_db_instances", {}),
    "sts": ("sts", "get_caller_identity", {}),
    "ssm": ("ssm", "get_parameter", {"Name": "x"}),
    "secretsmanager": ("secretsmanager", "get_secret_value", {"SecretId": "x"}),
    "cloudwatch": ("cloudwatch", "list_metrics", {}),
    "elbv2": ("elbv2", "describe_target_health", {"TargetGroupArn": "x"}),
    "sso": ("sso", "get_role_credentials", {"roleName": "r", "accountId": "1", "accessToken": "t"}),
}


class Stop(Exception):
    pass


def main():
    os.environ["AWS_STS_REGIONAL_ENDPOINTS"] = "regional"
    session = botocore.session.get_session()
    for line in sys.stdin:
        ours, region = line.split()
        name, op, args = CALLS[ours]
        seen = {}
        config = Config(signature_version=UNSIGNED) if ours == "sso" else None
        client = session.create_client(name, region_name=region, aws_access_key_id="AKIDEXAMPLE",
                                       aws_secret_access_key="secret", config=config)

        def before_send(request, **kwargs):
            seen["url"] = request.url
            seen["auth"] = request.headers.get("Authorization", b"")
            raise Stop()

        client.meta.events.register("before-send", before_send)
        try:
            getattr(client, op)(**args)
        except Stop:
            pass
        url = re.match(r"https://[^/?]+", seen["url"]).group(0)
        auth = seen["auth"].decode() if isinstance(seen["auth"], bytes) else seen["auth"]
        scope = re.search(r"Credential=[^/]+/\d{8}/([^/]+)/", auth)
        print(url, scope.group(1) if scope else "-")
    return 0


if __name__ == "__main__":
    sys.exit(main())
