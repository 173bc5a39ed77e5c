# Proof: fault injection on the lab (each a cutover with a fault at a
# different moment) and the parser fuzzers' short runs.
FAULT_TESTS = \
	tests/integration/fault_endpoint_blackhole.sh \
	tests/integration/fault_target_restart.sh \
	tests/integration/fault_source_kill.sh \
	tests/integration/fault_sigkill_steps.sh \
	tests/integration/fault_sigkill_rollback.sh \
	tests/integration/fault_disk_full.sh \
	tests/integration/fault_resize_storm.sh \
	tests/integration/fault_aws_throttled.sh \
	tests/integration/fault_aws_dropped.sh \
	tests/integration/fault_aws_failing.sh \
	tests/integration/fuzz_parsers.sh
TESTS += $(FAULT_TESTS)
EXTRA_DIST += $(FAULT_TESTS) tests/cutover_lib.sh \
	tests/fuzz/fuzz_plan.c tests/fuzz/fuzz_aws.c tests/fuzz/corpus/plan tests/fuzz/corpus/aws
