# themes: build lines for this folder
