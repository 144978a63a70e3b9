// libFuzzer target for FuzzTargets.markdownPage: see scripts/fuzz.sh. Declared only with ROSTER_FUZZ=1, built with
// -sanitize=fuzzer. SwiftPM names an executable's entry point <target>_main and aliases main to it, so this
// top-level code is main, and hands over to libFuzzer's driver.
import Foundation
@_spi(Fuzzing) import Roster

@_silgen_name("LLVMFuzzerRunDriver")
func runDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
               _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

if let root = ProcessInfo.processInfo.environment["ROSTER_ROOT"] { FuzzTargets.themeRoot = root }
var argc = CommandLine.argc
var argv = CommandLine.unsafeArgv
exit(runDriver(&argc, &argv) { data, size in
    let broken = FuzzTargets.markdownPage(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    if !broken.isEmpty { fatalError("invariant broken: " + broken.joined(separator: "; ")) }
    return 0
})
