import Foundation

/// A value worked out on another thread while the build goes on: reading the last build's bookkeeping files needs
/// nothing from the content, so it is done while the content loads. `value` waits for it.
final class Background<T: Sendable>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var result: T?
    private var waited = false

    /// Starts `work` on another thread.
    init(_ work: @escaping @Sendable () -> T) {
        DispatchQueue.global().async {
            let value = work()
            self.lock.lock()
            self.result = value
            self.lock.unlock()
            self.done.signal()
        }
    }

    /// The value, once `work` has returned.
    var value: T {
        lock.lock()
        let mustWait = !waited
        lock.unlock()
        if mustWait { done.wait() }
        lock.lock()
        defer { lock.unlock() }
        waited = true
        return result!
    }
}
