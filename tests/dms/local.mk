# The field's topology: the cutover and fault tests whose outcome depends on
# how the target is fed, run again with the target a plain server fed by the
# lab's DMS stand-in (each file sets LAB_TOPOLOGY=dms and sources the test),
# and the DMS stand-in's own tests.
DMS_TESTS = \
	tests/dms/dms_lab_cdc.sh \
	tests/dms/dms_preflight.sh \
	tests/dms/dms_cutover_headless.sh \
	tests/dms/dms_verify_chunks.sh \
	tests/dms/dms_freeze_gate.sh \
	tests/dms/dms_cutover_rollback.sh \
	tests/dms/dms_cutover_hold_maintenance_off.sh \
	tests/dms/dms_cutover_hold_stop_replication.sh \
	tests/dms/dms_console_hold.sh \
	tests/dms/dms_console_carry_back.sh \
	tests/dms/dms_audit_anchor.sh \
	tests/dms/dms_aws_cutover.sh tests/dms/dms_aws_two_accounts.sh \
	tests/dms/dms_rds_rules.sh \
	tests/dms/dms_aws_hold.sh \
	tests/dms/dms_aws_swap_route53.sh \
	tests/dms/dms_aws_carry_back.sh \
	tests/dms/dms_fault_sigkill_steps.sh \
	tests/dms/dms_fault_endpoint_blackhole.sh \
	tests/dms/dms_fault_target_restart.sh \
	tests/dms/dms_fault_source_kill.sh \
	tests/dms/dms_fault_aws_throttled.sh \
	tests/dms/dms_fault_aws_dropped.sh \
	tests/dms/dms_init_lab.sh \
	tests/dms/dms_notify_lab.sh \
	tests/dms/dms_option_files_lab.sh \
	tests/dms/dms_init_aws.sh \
	tests/dms/dms_tls_client_cert.sh \
	tests/dms/dms_aws_notify_secrets.sh
TESTS += $(DMS_TESTS)
EXTRA_DIST += $(DMS_TESTS)
