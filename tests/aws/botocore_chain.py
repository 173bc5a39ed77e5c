#!/usr/bin/python3
"""Botocore's own credential chain for a profile, pointed at the local
endpoint, then STS GetCallerIdentity: prints "ACCOUNT ARN" as
`aws_call whoami` does, so the two chains can be compared on the same
config files. botocore 1.29 has no endpoint setting for the STS client its
assume-role providers create, so create_client is wrapped to give every
client the local endpoint; nothing else of botocore is touched.

usage: botocore_chain.py ENDPOINT [PROFILE|-]"""
import sys

import botocore.session


def main():
    endpoint = sys.argv[1]
    profile = sys.argv[2] if len(sys.argv) > 2 and sys.argv[2] != "-" else None
    session = botocore.session.Session(profile=profile)
    original = session.create_client

    def create_client(*args, **kwargs):
        kwargs["endpoint_url"] = endpoint
        return original(*args, **kwargs)

    session.create_client = create_client
    try:
        sts = session.create_client("sts", region_name="us-east-1")
        who = sts.get_caller_identity()
    except Exception as e:  # the message is what is compared
        print(f"error: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    print(who["Account"], who["Arn"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
