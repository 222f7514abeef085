# The two commands of the README's quick start. Each installs what it needs (apt packages, the model).
#   make run    build (release), fetch the model, run suites/quickstart.yaml
#   make test   build and run the test suite (what CI runs)
#   make fuzz      fuzz every untrusted input for 10 minutes per target (BERMO_FUZZ_SECONDS), a fresh seed
#                  (BERMO_FUZZ_SEED), every target or those in BERMO_FUZZ_TARGETS (e.g. vocab,config); failing inputs
#                  are saved to Tests/FuzzTests/Regressions/ and replayed by every test run
#   make sanitize  the model-file tests under AddressSanitizer (docs/reliability.md has the last result)
.PHONY: run test setup release fuzz sanitize

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
# AddressSanitizer over everything that reads a model file (safetensors, config.json, vocab.txt, tokenizer.json and the tokenizer,
# checkpoint state), the hostile-model tests and the fuzz targets (their saved regression inputs first), the CLI
# ones included (they run the ASan-built bermo through BERMO_CLI). A separate scratch directory keeps the normal build untouched. No UndefinedBehaviorSanitizer:
# swiftc refuses -sanitize=undefined on Linux, and there is no compiled C in the package for it to check (Swift's
# own overflow and bounds checks are on in this debug build). Leak detection is off: in the test process it reports
# small Settings allocations (SettingRule's counterexample arrays) as lost, which is no memory-safety error.
# A report exits 99, so a sanitizer error in a bermo subprocess cannot pass for bermo's own exit 1.
SANITIZE_TESTS = SafetensorsTests|BertConfigTests|VocabularyTests|TokenizerBehaviourTests|EncodingTests|TokenizerParityTests|TokenizerJSONParityTests|TokenizerJSONRefusalTests|JSONParserTests|TokenizerLayoutCommandTests|ForwardParityTests|TokenIdBoundsTests|CheckpointMatchTests|NonFiniteTests|ResumeStateTests|HostileModelCommandTests|EncodeCommandTests|FuzzTests
sanitize: setup
	swift build --build-tests --sanitize=address --scratch-path .build-asan
	.build-asan/debug/bermo model fetch minilm-l6 >/dev/null
	ASAN_OPTIONS=detect_leaks=0:halt_on_error=1:exitcode=99 BERMO_CLI=.build-asan/debug/bermo OPENBLAS_NUM_THREADS=1 \
		swift test --skip-build --sanitize=address --scratch-path .build-asan --filter '$(SANITIZE_TESTS)'
