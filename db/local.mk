# db: build lines for this folder
