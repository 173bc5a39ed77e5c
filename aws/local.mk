# aws: SigV4 signing, credentials, the HTTP transport and the service calls.
libcutover_a_SOURCES += aws/buf.c aws/buf.h aws/sigv4.c aws/sigv4.h
libcutover_a_SOURCES += aws/fetch.c aws/fetch.h aws/profile.c aws/profile.h
libcutover_a_SOURCES += aws/credentials.c aws/credentials.h
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
tests_aws_aws_call_CFLAGS = $(AM_CFLAGS) $(DEPS_CFLAGS)
tests_aws_aws_call_LDADD = libcutover.a $(DEPS_LIBS)
EXTRA_DIST += tests/aws/fake_aws.py tests/aws/fake_state.json tests/aws/fake_lib.sh

TESTS += tests/integration/aws_sigv4_botocore.sh tests/integration/aws_fake_vs_cli.sh
TESTS += tests/integration/aws_http_fake.sh
EXTRA_DIST += tests/integration/aws_sigv4_botocore.sh tests/integration/aws_fake_vs_cli.sh
EXTRA_DIST += tests/integration/aws_http_fake.sh

if HAVE_CHECK
check_PROGRAMS += tests/unit/test_sigv4
TESTS += tests/unit/test_sigv4
tests_unit_test_sigv4_SOURCES = tests/unit/test_sigv4.c
tests_unit_test_sigv4_CFLAGS = $(TEST_UNIT_FLAGS)
tests_unit_test_sigv4_LDADD = $(TEST_UNIT_LIBS)
check_PROGRAMS += tests/unit/test_aws_credentials
TESTS += tests/unit/test_aws_credentials
tests_unit_test_aws_credentials_SOURCES = tests/unit/test_aws_credentials.c
tests_unit_test_aws_credentials_CFLAGS = $(TEST_UNIT_FLAGS)
tests_unit_test_aws_credentials_LDADD = $(TEST_UNIT_LIBS)
check_PROGRAMS += tests/unit/test_aws_http
TESTS += tests/unit/test_aws_http
tests_unit_test_aws_http_SOURCES = tests/unit/test_aws_http.c
tests_unit_test_aws_http_CFLAGS = $(TEST_UNIT_FLAGS)
tests_unit_test_aws_http_LDADD = $(TEST_UNIT_LIBS)
check_PROGRAMS += tests/unit/test_aws_secrets
TESTS += tests/unit/test_aws_secrets
tests_unit_test_aws_secrets_SOURCES = tests/unit/test_aws_secrets.c
tests_unit_test_aws_secrets_CFLAGS = $(TEST_UNIT_FLAGS)
tests_unit_test_aws_secrets_LDADD = $(TEST_UNIT_LIBS)
endif

# The service calls the panels and steps make (issue 6, second part).
libcutover_a_SOURCES += aws/cloudwatch.c aws/cloudwatch.h aws/dms.c aws/dms.h
libcutover_a_SOURCES += aws/ssm.c aws/ssm.h aws/route53.c aws/route53.h aws/rds.c aws/rds.h
libcutover_a_SOURCES += aws/awsplan.c aws/awsplan.h

if HAVE_CHECK
check_PROGRAMS += tests/unit/test_aws_services
TESTS += tests/unit/test_aws_services
tests_unit_test_aws_services_SOURCES = tests/unit/test_aws_services.c
tests_unit_test_aws_services_CFLAGS = $(TEST_UNIT_FLAGS)
tests_unit_test_aws_services_LDADD = $(TEST_UNIT_LIBS)
endif

# The AWS-backed cutover on the lab, completed and rolled back.
TESTS += tests/integration/aws_cutover.sh tests/integration/aws_rollback.sh
EXTRA_DIST += tests/integration/aws_cutover.sh tests/integration/aws_rollback.sh \
	tests/aws/aws_lab.sh tests/aws/lab_bridge.py
