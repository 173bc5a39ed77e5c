# probes: build lines for this folder
