# checklist: build lines for this folder
