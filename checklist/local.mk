# checklist: build lines for this folder
libcutover_a_SOURCES += checklist/engine.c checklist/engine.h
if HAVE_CHECK
check_PROGRAMS += tests/unit/test_engine tests/unit/test_fsutil tests/unit/test_freeze_gate
TESTS += tests/unit/test_engine tests/unit/test_fsutil tests/unit/test_freeze_gate
endif
libcutover_a_SOURCES += checklist/step.c checklist/step.h checklist/proc.c checklist/proc.h \
	checklist/http.c checklist/http.h checklist/fsutil.c checklist/fsutil.h \
	checklist/preflight.h checklist/checks.h checklist/preflight_rds.c checklist/preflight_verify.c checklist/step_preflight.c checklist/step_maintenance.c \
	checklist/step_read_only.c checklist/step_lag_zero.c checklist/step_verify.c \
	checklist/step_swap.c checklist/step_aws.c checklist/step_target_health.c checklist/step_stop_replication.c \
	checklist/executor.c checklist/executor.h \
	checklist/freeze_gate.c checklist/freeze_gate.h checklist/freeze_wait.c \
	checklist/rehearsal.c checklist/rehearsal.h \
	checklist/replication.c checklist/replication.h \
	checklist/target_writes.c checklist/target_writes.h checklist/reverse.c checklist/reverse.h \
	checklist/audit_anchor.c checklist/audit_anchor.h
# Integration tests on the lab (tests/lib.sh lab_start), under write load.
TESTS += tests/integration/cutover_dry_run.sh tests/integration/cutover_headless.sh \
	tests/integration/cutover_rollback.sh tests/integration/cutover_resume.sh \
	tests/integration/cutover_methods.sh tests/integration/cutover_methods_rollback.sh \
	tests/integration/cutover_http_maintenance.sh tests/integration/cutover_hold_maintenance_off.sh \
	tests/integration/cutover_hold_stop_replication.sh tests/integration/cutover_plan_lock.sh \
	tests/integration/audit_anchor.sh tests/integration/freeze_gate.sh
EXTRA_DIST += tests/integration/cutover_dry_run.sh tests/integration/cutover_headless.sh \
	tests/integration/cutover_rollback.sh tests/integration/cutover_resume.sh \
	tests/integration/cutover_methods.sh tests/integration/cutover_methods_rollback.sh \
	tests/integration/cutover_http_maintenance.sh tests/integration/cutover_hold_maintenance_off.sh \
	tests/integration/cutover_hold_stop_replication.sh tests/integration/cutover_plan_lock.sh \
	tests/integration/audit_anchor.sh tests/integration/freeze_gate.sh tests/ops/ops_api.py
