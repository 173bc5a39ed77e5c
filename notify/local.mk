# notify: the plan's webhooks told of the night (step transitions, alarms,
# decisions, the point of no return, the end of the run), never waited for.
libcutover_a_SOURCES += notify/message.c notify/message.h notify/webhook.c notify/webhook.h \
	notify/notifier.c notify/notifier.h
if HAVE_CHECK
check_PROGRAMS += tests/unit/test_notify
TESTS += tests/unit/test_notify
endif
TESTS += tests/integration/notify_lab.sh
EXTRA_DIST += tests/integration/notify_lab.sh tests/ops/webhook_receiver.py
# Webhook secrets from Secrets Manager, with the local AWS endpoint.
TESTS += tests/integration/aws_notify_secrets.sh
EXTRA_DIST += tests/integration/aws_notify_secrets.sh
