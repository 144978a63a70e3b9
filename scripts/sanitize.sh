#!/usr/bin/env bash
# Runs the Swift test suite under AddressSanitizer (with LeakSanitizer) and ThreadSanitizer, each in a build
# folder of its own (.build-asan, .build-tsan), so the normal .build stays as it is.
# Usage: scripts/sanitize.sh [address] [thread]      (both when no argument is given)
set -euo pipefail
cd "$(dirname "$0")/.."
sanitizers=("$@")
[ ${#sanitizers[@]} -eq 0 ] && sanitizers=(address thread)
for sanitizer in "${sanitizers[@]}"; do
  case "$sanitizer" in
    address)
      echo "==> swift test -Xswiftc -sanitize=address --scratch-path .build-asan"
      ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:detect_stack_use_after_return=1" \
      LSAN_OPTIONS="suppressions=$PWD/scripts/sanitizers/lsan.supp:print_suppressions=0" \
        swift test -Xswiftc -sanitize=address --scratch-path .build-asan
      ;;
    thread)
      echo "==> swift test -Xswiftc -sanitize=thread --scratch-path .build-tsan"
      TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1" \
        swift test -Xswiftc -sanitize=thread --scratch-path .build-tsan
      ;;
    *) echo "unknown sanitizer: $sanitizer (address or thread)" >&2; exit 2 ;;
  esac
done
