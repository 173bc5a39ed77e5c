# aws: SigV4 signing, credentials, the HTTP transport and the service calls.
libcutover_a_SOURCES += aws/buf.c aws/buf.h aws/sigv4.c aws/sigv4.h
libcutover_a_SOURCES += aws/fetch.c aws/fetch.h aws/profile.c aws/profile.h
libcutover_a_SOURCES += aws/credentials.c aws/credentials.h aws/assume.c aws/assume.h
libcutover_a_SOURCES += aws/sts.c aws/sts.h aws/elbv2.c aws/elbv2.h aws/sso.c aws/sso.h
libcutover_a_SOURCES += aws/xml.c aws/xml.h aws/http.c aws/http.h
libcutover_a_SOURCES += aws/secrets.c aws/secrets.h

# Test helpers: our signer fed JSON lines, compared with botocore.
check_PROGRAMS += tests/aws/sigv4_agree
tests_aws_sigv4_agree_SOURCES = tests/aws/sigv4_agree.c
tests_aws_sigv4_agree_CFLAGS = $(AM_CFLAGS) $(DEPS_CFLAGS)
tests_aws_sigv4_agree_LDADD = libcutover.a $(DEPS_LIBS)
EXTRA_DIST += tests/aws/botocore_agree.py

# The local AWS-compatible endpoint, and one call through our transport.
check_PROGRAMS += tests/aws/aws_call
tests_aws_aws_call_SOURCES = tests/aws/aws_call.c
EXTRA_DIST += tests/aws/fake_aws.py tests/aws/dms_lab.py tests/aws/fake_state.json tests/aws/fake_lib.sh

TESTS += tests/integration/aws_sigv4_botocore.sh tests/integration/aws_fake_vs_cli.sh
TESTS += tests/integration/aws_http_fake.sh tests/integration/aws_accounts.sh
TESTS += tests/integration/aws_endpoints.sh
EXTRA_DIST += tests/integration/aws_endpoints.sh tests/aws/botocore_endpoints.py
EXTRA_DIST += tests/integration/aws_sigv4_botocore.sh tests/integration/aws_fake_vs_cli.sh
EXTRA_DIST += tests/integration/aws_http_fake.sh tests/integration/aws_accounts.sh
EXTRA_DIST += tests/aws/botocore_chain.py
# The published SigV4 test suite (Apache-2.0; LICENSE and NOTICE inside).
EXTRA_DIST += tests/data/aws4_testsuite

if HAVE_CHECK
check_PROGRAMS += tests/unit/test_sigv4
TESTS += tests/unit/test_sigv4
check_PROGRAMS += tests/unit/test_aws_credentials
TESTS += tests/unit/test_aws_credentials
check_PROGRAMS += tests/unit/test_aws_http
TESTS += tests/unit/test_aws_http
check_PROGRAMS += tests/unit/test_aws_secrets
TESTS += tests/unit/test_aws_secrets
endif

# The service calls the panels and steps make (issue 6, second part).
libcutover_a_SOURCES += aws/cloudwatch.c aws/cloudwatch.h aws/dms.c aws/dms.h
libcutover_a_SOURCES += aws/dms_mappings.c aws/dms_mappings.h
libcutover_a_SOURCES += aws/ssm.c aws/ssm.h aws/route53.c aws/route53.h aws/rds.c aws/rds.h
libcutover_a_SOURCES += aws/awsplan.c aws/awsplan.h

if HAVE_CHECK
check_PROGRAMS += tests/unit/test_aws_services
TESTS += tests/unit/test_aws_services
endif

# The AWS-backed cutover on the lab, completed, rolled back and held.
TESTS += tests/integration/aws_cutover.sh tests/integration/aws_rollback.sh tests/integration/aws_hold.sh \
	tests/integration/aws_resume_rollback.sh tests/integration/aws_swap_ssm.sh \
	tests/integration/aws_swap_ssm_resume.sh \
	tests/integration/aws_swap_route53.sh tests/integration/aws_two_accounts.sh \
	tests/integration/rds_rules.sh tests/integration/aws_sentinel.sh
EXTRA_DIST += tests/integration/aws_cutover.sh tests/integration/aws_rollback.sh tests/integration/aws_hold.sh \
	tests/integration/aws_resume_rollback.sh tests/integration/aws_swap_ssm.sh \
	tests/integration/aws_swap_ssm_resume.sh \
	tests/integration/aws_swap_route53.sh tests/integration/aws_two_accounts.sh \
	tests/integration/rds_rules.sh tests/integration/aws_sentinel.sh \
	tests/aws/aws_lab.sh tests/aws/aws_cutover_test.sh tests/aws/lab_bridge.py
