# doc: build lines for this folder
dist_man_MANS += doc/cutover-plan.5
EXTRA_DIST += examples/lab.plan.jsonc examples/rds.plan.jsonc
dist_man_MANS += doc/cutover.1
EXTRA_DIST += doc/ARCHITECTURE.md
