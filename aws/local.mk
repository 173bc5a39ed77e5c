# aws: build lines for this folder
