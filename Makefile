# The two commands of the README's quick start. Each installs what it needs (apt packages, the model).
#   make run    build (release), fetch the model, run suites/quickstart.yaml
#   make test   build and run the test suite (what CI runs)
#   make fuzz   fuzz every untrusted input for 10 minutes per target (BERMO_FUZZ_SECONDS), a fresh seed
#               (BERMO_FUZZ_SEED); failing inputs are saved to Tests/FuzzTests/Regressions/ and replayed by every test run
.PHONY: run test setup release fuzz

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

fuzz: setup
	swift build --build-tests
	.build/debug/bermo model fetch minilm-l6 >/dev/null
	BERMO_FUZZ_SECONDS=$${BERMO_FUZZ_SECONDS:-600} BERMO_FUZZ_SEED=$${BERMO_FUZZ_SEED:-$$(date +%s)} BERMO_FUZZ_SAVE=1 \
		OPENBLAS_NUM_THREADS=1 swift test --skip-build --filter FuzzTests
