import Foundation

/// A value worked out on another thread while the build goes on: reading the last build's bookkeeping files needs
/// nothing from the content, so it is done while the content loads. `value` waits for it.
final class Background<T: Sendable>: @unchecked Sendable {
    private let done = DispatchGroup()
    private let lock = NSLock()
    private var result: T?

    /// Starts `work` on a thread of its own: not on Dispatch's pool, whose threads (one per core) the build's
    /// parallel loops need; queued there, the reads waited behind each other and the loading behind them.
    init(_ work: @escaping @Sendable () -> T) {
        done.enter()
        let thread = Thread {
            let value = work()
            self.lock.lock()
            self.result = value
            self.lock.unlock()
            self.done.leave()
        }
        thread.start()
    }

    /// The value, once `work` has returned; any number of threads may wait for it.
    var value: T {
        done.wait()
        lock.lock()
        defer { lock.unlock() }
        return result!
    }
}
