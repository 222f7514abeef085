# The two commands of the README's quick start. Each installs what it needs (apt packages, the model).
#   make run    build (release), fetch the model, run suites/quickstart.yaml
#   make test   build and run the test suite (what CI runs)
.PHONY: run test setup release

setup:
	@scripts/setup.sh

release: setup
	swift build -c release --product bermo

run: release
	.build/release/bermo model fetch minilm-l6 >/dev/null
	.build/release/bermo run suites/quickstart.yaml

test: setup
	swift build --build-tests
	.build/debug/bermo model fetch minilm-l6 >/dev/null
	OPENBLAS_NUM_THREADS=1 swift test --skip-build
